import Testing

@testable import TongguanDomain

@Suite("Briefing template scanner and item splitter")
struct TemplateScannerTests {
    @Test("pieces, escapes and locations across LF, CRLF and CR line ends")
    func pieces() {
        let (pieces, problems) = TemplateScanner.scan("甲\r\n乙{{ a.b }}\r丙\\{{丁{{c.d}}")
        #expect(problems.isEmpty)
        #expect(
            pieces == [
                .text("甲\r\n乙"),
                .placeholder(body: Array(" a.b "), at: TemplateLocation(line: 2, column: 2), bodyStart: TemplateLocation(line: 2, column: 4)),
                .text("\r丙{{丁"),
                .placeholder(body: Array("c.d"), at: TemplateLocation(line: 3, column: 6), bodyStart: TemplateLocation(line: 3, column: 8)),
            ])
    }

    @Test("an unclosed placeholder stays text and the scan goes on")
    func unclosed() {
        let (pieces, problems) = TemplateScanner.scan("a{{ x\nb{{ y.z }}")
        #expect(problems.map(\.location) == [TemplateLocation(line: 1, column: 2)])
        #expect(pieces.first == .text("a{{ x\nb"))
        #expect(pieces.count == 2)
    }

    @Test("quotes hide pipes and closing braces; escaped quotes stay inside")
    func quotes() {
        #expect(TemplateScanner.closing(Array(#"a | r: "}}" }}"#), from: 0) == .closed(12))
        #expect(TemplateScanner.closing(Array(#"a | r: "\"}}" }}"#), from: 0) == .closed(14))
        #expect(TemplateScanner.closing(Array(#"a | r: "}}"#), from: 0) == .openQuote)
        #expect(TemplateScanner.closing(Array("a {{ b }}"), from: 0) == .nested)
        #expect(TemplateScanner.closing(Array("a \n }}"), from: 0) == .endOfLine)
        let (items, problems) = PlaceholderItems.parse(Array(#" a.b | r: "x | y" | 万 "#), start: TemplateLocation(line: 1, column: 3))
        #expect(problems.isEmpty)
        #expect(items.compactMap { $0?.value } == ["a.b", "x | y", "万"])
        #expect(items.compactMap { $0?.name } == ["r"])
        #expect(items[1]?.valueAt == TemplateLocation(line: 1, column: 13))
    }
}

extension TemplateScanner.Closing: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.closed(let x), .closed(let y)): x == y
        case (.endOfLine, .endOfLine), (.nested, .nested), (.openQuote, .openQuote): true
        default: false
        }
    }
}
