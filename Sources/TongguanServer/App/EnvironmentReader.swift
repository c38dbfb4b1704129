import Foundation
import TongguanDomain

/// Reads `TONGGUAN_*` variables, collecting every bad value (named by its variable) so that
/// one start reports all of them.
struct EnvironmentReader {
    private let env: [String: String]
    private var problems: [(variable: String, message: String)] = []

    init(_ env: [String: String]) { self.env = env }

    mutating func problem(_ variable: String, _ message: String) { problems.append((variable, message)) }

    /// The value, or nil when unset or empty.
    func text(_ variable: String, trim: Bool = true) -> String? {
        guard let raw = env[variable] else { return nil }
        let value = trim ? TextPolicy.trimmed(raw) : raw
        return value.isEmpty ? nil : value
    }

    mutating func flag(_ variable: String) -> Bool {
        switch text(variable) {
        case nil, "0": return false
        case "1": return true
        default: problem(variable, "应为 0 或 1"); return false
        }
    }

    mutating func integer(_ variable: String, in range: ClosedRange<Int>, default value: Int) -> Int {
        guard let raw = text(variable) else { return value }
        guard let n = Int(raw), range.contains(n) else {
            problem(variable, "应为\(range.lowerBound)到\(range.upperBound)之间的整数(现为「\(raw.prefix(40))」)")
            return value
        }
        return n
    }

    /// Hours as seconds: a positive number up to a year.
    mutating func hours(_ variable: String, default value: Double) -> Double {
        guard let raw = text(variable) else { return value * 3600 }
        guard let h = Double(raw), h.isFinite, h > 0, h <= 8760 else {
            problem(variable, "应为大于0、不超过8760的小时数(现为「\(raw.prefix(40))」)")
            return value * 3600
        }
        return h * 3600
    }

    mutating func choice(_ variable: String, _ allowed: [String], default value: String) -> String {
        guard let raw = text(variable) else { return value }
        guard allowed.contains(raw.lowercased()) else {
            problem(variable, "应为 " + allowed.joined(separator: "、") + "(现为「\(raw.prefix(40))」)")
            return value
        }
        return raw.lowercased()
    }

    /// A size such as `1mb`, `512kb` or `1048576` (bytes), between 1 KB and 1 GB.
    mutating func byteCount(_ variable: String, default value: String) -> String {
        guard let raw = text(variable) else { return value }
        guard let bytes = Self.bytes(raw), (1024...(1 << 30)).contains(bytes) else {
            problem(variable, "应为 1kb 到 1gb 之间的大小,如 1mb、512kb(现为「\(raw.prefix(40))」)")
            return value
        }
        return raw.lowercased()
    }

    /// The sizes Vapor's `ByteCount` understands, parsed without its crash on bad input.
    static func bytes(_ raw: String) -> Int? {
        let s = raw.lowercased()
        let units: [(String, Int)] = [("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10), ("b", 1)]
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            guard let n = Int(s.dropLast(suffix.count)), n >= 0 else { return nil }
            return n.multipliedReportingOverflow(by: factor).overflow ? nil : n * factor
        }
        return Int(s)
    }

    mutating func addressRanges(_ variable: String) -> [IPAddressRange] {
        guard let raw = text(variable) else { return [] }
        var ranges: [IPAddressRange] = []
        for item in raw.split(whereSeparator: { $0 == "," || $0 == " " }) {
            if let range = IPAddressRange(String(item)) {
                ranges.append(range)
            } else {
                problem(variable, "「\(item.prefix(60))」不是 IP 地址或 CIDR 网段")
            }
        }
        return ranges
    }

    /// An absolute `http`/`https` URL without query or fragment, trailing slash removed.
    mutating func baseURL(_ variable: String) -> String? {
        guard let raw = text(variable) else { return nil }
        guard let parts = URLComponents(string: raw), let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parts.host, !host.isEmpty, parts.query == nil, parts.fragment == nil, parts.user == nil
        else {
            problem(variable, "应为 http:// 或 https:// 开头的网址,如 https://tongguan.example.gov.cn(现为「\(raw.prefix(80))」)")
            return nil
        }
        var url = raw
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    func finish() throws(SettingsError) {
        if !problems.isEmpty { throw SettingsError(problems: problems) }
    }
}
