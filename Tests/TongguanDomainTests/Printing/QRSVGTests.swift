import Foundation
import Testing

@testable import TongguanDomain

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("QR code SVG")
struct QRSVGTests {
    static let url = "https://tongguan.example.gov.cn/monitoring/households/14112410220100019"

    /// Rebuilds the dark modules from the path's `M x y h w v1 h−w z` rectangles.
    private static func darkModules(in svg: String, quietZone: Int) throws -> Set<[Int]> {
        let d = try #require(svg.firstMatch(of: /<path fill="#000" d="([^"]*)"\/>/)).1
        var dark = Set<[Int]>()
        for rect in d.split(separator: "z") {
            let match = try #require(rect.wholeMatch(of: /M(\d+) (\d+)h(\d+)v1h-(\d+)/), "unexpected path segment \(rect)")
            let (x, y, w) = (Int(match.1)!, Int(match.2)!, Int(match.3)!)
            #expect(Int(match.4)! == w)
            for i in 0..<w {
                #expect(dark.insert([x + i - quietZone, y - quietZone]).inserted, "modules drawn twice")
            }
        }
        return dark
    }

    @Test("the path draws exactly the dark modules", arguments: [0, 4])
    func pathMatchesModules(_ quietZone: Int) throws {
        let code = try QRCode(text: Self.url)
        let drawn = try Self.darkModules(in: code.svg(quietZone: quietZone), quietZone: quietZone)
        var expected = Set<[Int]>()
        for y in 0..<code.size { for x in 0..<code.size where code.isDark(x: x, y: y) { expected.insert([x, y]) } }
        #expect(drawn == expected)
    }

    @Test("viewBox in modules with the quiet zone; width and height in pixels")
    func dimensions() throws {
        let code = try QRCode(text: Self.url)
        // 71 bytes: more than version 4 holds (62), so version 5, 37 modules a side.
        #expect(code.version == 5 && code.size == 37)
        let svg = code.svg(moduleSize: 5)
        #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 45 45" width="225" height="225" shape-rendering="crispEdges">"#))
        #expect(svg.contains(##"<rect width="45" height="45" fill="#fff"/>"##))
        #expect(svg.hasSuffix("</svg>"))
        #expect(code.svg().contains(#"viewBox="0 0 45 45" width="180" height="180""#))
        #expect(code.svg(quietZone: 0).contains(#"viewBox="0 0 37 37" width="148" height="148""#))
    }

    @Test("one path, fill attributes, no inline style")
    func compactAndCSPSafe() throws {
        let svg = try QRCode(text: Self.url).svg(title: "户码")
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(!svg.contains("style"))
        #expect(!svg.contains("<?xml"))
        #expect(svg.components(separatedBy: "<rect").count == 2)
    }

    @Test("the title is the accessible name, escaped")
    func title() throws {
        let code = try QRCode(text: "x")
        let svg = code.svg(title: #"户码 <141124> & "甲'乙""# + "\u{1}")
        let escaped = "户码 &lt;141124&gt; &amp; &quot;甲&#39;乙&quot;"
        #expect(svg.contains(#"role="img" aria-label="\#(escaped)"><title>\#(escaped)</title>"#))
        #expect(!code.svg().contains("<title>") && !code.svg().contains("role="))
    }

    @Test("the markup is well-formed XML")
    func wellFormed() throws {
        let svg = try QRCode(text: "吕梁市").svg(title: "A & B <c>")
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
    }
}
