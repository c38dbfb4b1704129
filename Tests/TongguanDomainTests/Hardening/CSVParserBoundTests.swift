import Testing

@testable import TongguanDomain

@Suite("CSVParser: fields-per-row bound and stopping early")
struct CSVParserBoundTests {
    /// Parses with the bound, returning the rows delivered and the problem, if any.
    static func run(_ text: String, max: Int, stopAfter: Int = .max) -> (rows: [CSVParser.Row], problem: CSVParser.Problem?) {
        var rows: [CSVParser.Row] = []
        do {
            try CSVParser.parse(text, maxFieldsPerRow: max) { row in
                rows.append(row)
                return rows.count < stopAfter
            }
            return (rows, nil)
        } catch {
            return (rows, error)
        }
    }

    static func row(_ n: Int) -> String { (1...n).map { "f\($0)" }.joined(separator: ",") }

    @Test("a row of exactly maxFieldsPerRow fields passes; one more is refused at its line", arguments: [1, 2, 3, 10, 256])
    func exactBound(_ max: Int) {
        let fits = Self.run("h\n" + Self.row(max) + "\n", max: max)
        #expect(fits.problem == nil)
        #expect(fits.rows.last?.fields.count == max)

        let over = Self.run("h\n" + Self.row(max) + "\n" + Self.row(max + 1) + "\n", max: max)
        #expect(over.problem == .tooManyFields(line: 3))
        #expect(over.rows.map(\.line) == [1, 2])
    }

    @Test(
        "empty fields count: a trailing comma is one more field",
        arguments: [
            ("a,b,", 3, nil), ("a,b,", 2, CSVParser.Problem.tooManyFields(line: 1)), (",,", 3, nil), (",,", 2, .tooManyFields(line: 1)),
            (",", 1, .tooManyFields(line: 1)), ("\"\"", 1, nil), ("\"a,b,c\",d", 2, nil), ("\"a\"\",\"\"b\",c", 2, nil),
        ] as [(String, Int, CSVParser.Problem?)])
    func emptyAndQuotedFields(_ text: String, _ max: Int, _ expected: CSVParser.Problem?) {
        #expect(Self.run(text, max: max).problem == expected)
    }

    @Test("the line is the row's start line, after multi-line quoted fields and blank lines", arguments: ["\n", "\r\n"])
    func lineAfterMultiLineFields(_ nl: String) {
        let text = ["h1,h2", "\"one\(nl)two\(nl)three\",x", "", "a,b,c", ""].joined(separator: nl)
        let result = Self.run(text, max: 2)
        // Lines: 1 header, 2–4 the quoted field, 5 blank, 6 the wide row.
        #expect(result.problem == .tooManyFields(line: 6))
        #expect(result.rows.map(\.line) == [1, 2])
    }

    /// Inside quotes LF and CR LF count as lines; a lone CR does not (CSVParserTests'
    /// round-trip suite fixes that rule), unlike a lone CR outside quotes.
    @Test(
        "line breaks inside quotes: LF and CR LF are lines, a lone CR is not",
        arguments: [
            ("h\n\"a\r\nb\",c\nd\n", [1, 2, 4]), ("h\n\"a\n\nb\",c\nd\n", [1, 2, 5]), ("h\n\"\r\n\r\n\"\nd", [1, 2, 5]),
            ("h\n\"a\rb\",c\nd\n", [1, 2, 3]), ("h\r\"a\rb\"\rd\r", [1, 2, 3]),
        ])
    func quotedLineBreaks(_ text: String, _ lines: [Int]) {
        #expect(Self.run(text, max: 5).rows.map(\.line) == lines)
    }

    @Test("a wide row that itself starts with a multi-line field reports its first line")
    func wideRowSpanningLines() {
        let text = "h1,h2\n\"a\nb\nc\",d,e\n"
        #expect(Self.run(text, max: 2).problem == .tooManyFields(line: 2))
        #expect(Self.run(text, max: 3).rows.map(\.line) == [1, 2])
    }

    @Test("a file of separators stops at the first row")
    func separatorsOnly() {
        let result = Self.run(String(repeating: ",", count: 1_000_000), max: 256)
        #expect(result.problem == .tooManyFields(line: 1))
        #expect(result.rows.isEmpty)
    }

    @Test("without a bound a very wide row is read")
    func unbounded() throws {
        var widths: [Int] = []
        try CSVParser.parse(String(repeating: ",", count: 9_999)) { widths.append($0.fields.count) }
        #expect(widths == [10_000])
    }

    // MARK: Stopping

    @Test("body returning false stops: later rows are not delivered", arguments: [1, 2, 3])
    func stops(_ after: Int) {
        let text = "a\nb\nc\nd\n"
        let result = Self.run(text, max: 10, stopAfter: after)
        #expect(result.problem == nil)
        #expect(result.rows.map { $0.fields[0] } == Array(["a", "b", "c", "d"].prefix(after)))
    }

    @Test(
        "problems after the stop point are not reported",
        arguments: [
            "a\nb\n\"unterminated\nmore", "a\nb\nx,y,z,w\n", "a\r\nb\r\n\"open", "a\nb",
        ])
    func nothingAfterStop(_ text: String) {
        let result = Self.run(text, max: 3, stopAfter: 2)
        #expect(result.problem == nil)
        #expect(result.rows.map { $0.fields } == [["a"], ["b"]])
    }

    @Test("the same problems are reported when reading does not stop before them")
    func problemsWithoutStop() {
        #expect(Self.run("a\nb\n\"unterminated\nmore", max: 3).problem == .unterminatedQuote(line: 3))
        #expect(Self.run("a\nb\nx,y,z,w\n", max: 3).problem == .tooManyFields(line: 3))
    }

    @Test("Problem.line and message")
    func problemText() {
        #expect(CSVParser.Problem.unterminatedQuote(line: 7).line == 7)
        #expect(CSVParser.Problem.tooManyFields(line: 12).line == 12)
        #expect(CSVParser.Problem.unterminatedQuote(line: 7).message == "引号没有闭合")
        #expect(CSVParser.Problem.tooManyFields(line: 12).message == "列数过多")
    }

    @Test("parse(_:each:) and the bounded parser agree on rows within the bound")
    func agree() throws {
        let text = "h,i\r\n\"x\ny\",2\n\n3,\"4\"\"\"\n"
        var plain: [CSVParser.Row] = []
        try CSVParser.parse(text) { plain.append($0) }
        #expect(Self.run(text, max: 2).rows == plain)
        #expect(try CSVParser.parse(text) == plain)
    }
}
