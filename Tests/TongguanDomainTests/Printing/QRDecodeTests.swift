import Foundation
import Testing

@testable import TongguanDomain

/// The encoder checked by a real reader: the SVG the server serves is rendered to PNG by
/// librsvg (`rsvg-convert`, Debian librsvg2-bin) and decoded by zbar (`zbarimg`, Debian
/// zbar-tools). Without the tools these tests are skipped, except with CI=true, where a
/// missing tool fails the run.
@Suite("QR codes decoded by zbarimg")
struct QRDecodeTests {
    static let ci = ProcessInfo.processInfo.environment["CI"] == "true"
    static let toolsPresent = ["rsvg-convert", "zbarimg"].allSatisfy { executable($0) != nil }

    @Test(
        "a household page URL",
        .enabled(if: toolsPresent || ci, "rsvg-convert and zbarimg are not installed (apt-get install zbar-tools librsvg2-bin)"))
    func householdURL() throws {
        let url = "https://tongguan.example.gov.cn/monitoring/households/14112410220100019"
        let code = try QRCode(text: url)
        #expect(try Self.decode(code.svg(title: "户码 14112410220100019")) == Array(url.utf8))
    }

    @Test(
        "Chinese text as UTF-8",
        .enabled(if: toolsPresent || ci, "rsvg-convert and zbarimg are not installed (apt-get install zbar-tools librsvg2-bin)"),
        arguments: ["吕梁市临县", "一户一码:吕梁市临县城庄镇某村 户码14112410220100019,防止返贫动态监测和帮扶。", "户码 😀 𠀀 ①②③"])
    func chinese(_ text: String) throws {
        // zbar converts to UTF-8 following the ECI header (without it, it reads 吕梁市临县 as Shift JIS).
        #expect(try Self.decode(QRCode(text: text).svg()) == Array(text.utf8))
    }

    @Test(
        "all 256 byte values, read back without charset conversion",
        .enabled(if: toolsPresent || ci, "rsvg-convert and zbarimg are not installed (apt-get install zbar-tools librsvg2-bin)"))
    func allBytes() throws {
        let bytes = (0...255).map(UInt8.init) + (0...255).reversed().map(UInt8.init)
        #expect(try Self.decode(QRCode(bytes: bytes).svg(), binary: true) == bytes)
    }

    @Test(
        "control characters and every other ASCII byte",
        .enabled(if: toolsPresent || ci, "rsvg-convert and zbarimg are not installed (apt-get install zbar-tools librsvg2-bin)"))
    func binaryishASCII() throws {
        let bytes = (1...0x7F).map(UInt8.init) + [0x0D, 0x0A, 0x09, 0x7F, 0x01]
        #expect(try Self.decode(QRCode(bytes: bytes).svg()) == bytes)
    }

    /// Lengths 1…408 in steps of 11: versions 1 to 15, with varied content.
    static let sweepLengths = Array(stride(from: 1, through: 410, by: 11))

    static func sweepPayload(_ length: Int) -> [UInt8] {
        // Printable ASCII in a pattern that shifts with the length, so no two symbols share data.
        (0..<length).map { UInt8(0x21 + ($0 * 7 + length * 13) % 94) }
    }

    @Test(
        "lengths 1…408 bytes decode",
        .enabled(if: toolsPresent || ci, "rsvg-convert and zbarimg are not installed (apt-get install zbar-tools librsvg2-bin)"),
        arguments: sweepLengths)
    func sweep(_ length: Int) throws {
        let bytes = Self.sweepPayload(length)
        #expect(try Self.decode(QRCode(bytes: bytes).svg()) == bytes)
    }

    @Test("the sweep covers versions 1–15")
    func sweepCoverage() throws {
        let codes = try Self.sweepLengths.map { try QRCode(bytes: Self.sweepPayload($0)) }
        #expect(Set(codes.map(\.version)) == Set(1...15))
    }

    @Test(
        "every mask decodes",
        .enabled(if: toolsPresent || ci, "rsvg-convert and zbarimg are not installed (apt-get install zbar-tools librsvg2-bin)"),
        arguments: QRMask.allCases)
    func everyMask(_ mask: QRMask) throws {
        // Version 7 (version information, six alignment patterns) with a forced mask.
        let bytes = Self.sweepPayload(110)
        let code = try QRCode(bytes: bytes, forcedMask: mask)
        #expect(code.version == 7 && code.mask == mask.rawValue)
        #expect(try Self.decode(code.svg()) == bytes)
    }

    // MARK: Tools

    struct ToolFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Renders `svg` with rsvg-convert at its own size and returns what zbarimg reads: text
    /// converted to UTF-8 (zbar follows an ECI header, or guesses), or with `binary` the
    /// segment's bytes untouched.
    static func decode(_ svg: String, binary: Bool = false) throws -> [UInt8] {
        try #require(toolsPresent, "CI=true but rsvg-convert or zbarimg is missing: apt-get install zbar-tools librsvg2-bin")
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        let svgURL = base.appendingPathExtension("svg"), pngURL = base.appendingPathExtension("png")
        defer {
            try? FileManager.default.removeItem(at: svgURL)
            try? FileManager.default.removeItem(at: pngURL)
        }
        try Data(svg.utf8).write(to: svgURL)
        _ = try run("rsvg-convert", ["--format=png", "--output=" + pngURL.path, svgURL.path])
        let options = ["--nodbus", "--raw", "-q", "-Sdisable", "-Sqrcode.enable"] + (binary ? ["-Sbinary"] : [])
        var output = try run("zbarimg", options + [pngURL.path])
        // In text mode zbarimg ends each symbol with a line feed.
        if !binary && output.last == 0x0A { output.removeLast() }
        return output
    }

    static func executable(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").lazy
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs a tool; its standard output, or an error with its status and standard error.
    static func run(_ tool: String, _ arguments: [String]) throws -> [UInt8] {
        guard let url = executable(tool) else { throw ToolFailed(description: "\(tool) not found on PATH") }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes are small (one symbol, a warning at most), so reading them in turn cannot
        // fill one while the tool blocks on the other.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolFailed(description: "\(tool) exited \(process.terminationStatus): " + String(decoding: errData, as: UTF8.self))
        }
        return Array(outData)
    }
}
