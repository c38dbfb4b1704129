import Testing

@testable import TongguanDomain

@Suite("CSVParser")
struct CSVParserTests {
    typealias Row = CSVParser.Row

    private func parse(_ text: String) throws -> [Row] {
        try CSVParser.parse(text)
    }

    private func fields(_ text: String) throws -> [[String]] {
        try parse(text).map(\.fields)
    }

    // MARK: Basics

    @Test("simple rows with LF")
    func simpleLF() throws {
        #expect(try parse("a,b\n1,2\n") == [Row(line: 1, fields: ["a", "b"]), Row(line: 2, fields: ["1", "2"])])
    }

    @Test(
        "CRLF, LF, mixed and no final newline all read alike",
        arguments: [
            "a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\r\n1,2\n", "a,b\n1,2\r\n", "a,b\n1,2", "a,b\r\n1,2",
        ])
    func lineEndings(_ text: String) throws {
        #expect(try parse(text) == [Row(line: 1, fields: ["a", "b"]), Row(line: 2, fields: ["1", "2"])])
    }

    @Test("a lone CR also ends a line")
    func loneCR() throws {
        #expect(try parse("a,b\r1,2\r") == [Row(line: 1, fields: ["a", "b"]), Row(line: 2, fields: ["1", "2"])])
    }

    @Test(
        "empty input and blank-only input have no rows",
        arguments: [
            "", "\n", "\r\n", "\n\n\n", "\r\n\r\n", "\u{FEFF}", "\u{FEFF}\r\n",
        ])
    func noRows(_ text: String) throws {
        #expect(try parse(text).isEmpty)
    }

    @Test("a UTF-8 byte order mark is dropped")
    func bom() throws {
        #expect(
            try parse("\u{FEFF}区划代码,名称\r\n141124,临县\r\n")
                == [Row(line: 1, fields: ["区划代码", "名称"]), Row(line: 2, fields: ["141124", "临县"])])
        #expect(try fields("\u{FEFF}\"a,b\",c") == [["a,b", "c"]])
    }

    @Test("a BOM that is not at the very start is data")
    func innerBOM() throws {
        #expect(try fields("a,\u{FEFF}b\n\u{FEFF}c") == [["a", "\u{FEFF}b"], ["\u{FEFF}c"]])
    }

    @Test("blank trailing lines are not rows")
    func blankTrailing() throws {
        #expect(try parse("a,b\n1,2\n\n\n") == [Row(line: 1, fields: ["a", "b"]), Row(line: 2, fields: ["1", "2"])])
        #expect(try parse("a,b\r\n1,2\r\n\r\n\r\n").count == 2)
    }

    @Test("blank lines in the middle are skipped but still counted")
    func blankMiddle() throws {
        #expect(
            try parse("a\n\nb\r\n\r\nc") == [
                Row(line: 1, fields: ["a"]), Row(line: 3, fields: ["b"]), Row(line: 5, fields: ["c"]),
            ])
    }

    @Test(
        "empty fields",
        arguments: [
            (",", ["", ""]), (",,", ["", "", ""]), ("a,", ["a", ""]), (",a", ["", "a"]), ("a,,b", ["a", "", "b"]),
        ])
    func emptyFields(_ text: String, _ expected: [String]) throws {
        #expect(try fields(text) == [expected])
        #expect(try fields(text + "\r\n") == [expected])
    }

    @Test("a quoted empty field is a row, not a blank line")
    func quotedEmpty() throws {
        #expect(try parse("\"\"") == [Row(line: 1, fields: [""])])
        #expect(
            try parse("a\n\"\"\nb\n") == [
                Row(line: 1, fields: ["a"]), Row(line: 2, fields: [""]), Row(line: 3, fields: ["b"]),
            ])
    }

    @Test("spaces are kept")
    func spaces() throws {
        #expect(try fields(" a , b ,\t") == [[" a ", " b ", "\t"]])
        #expect(try fields(" ") == [[" "]])
    }

    @Test("unicode fields")
    func unicode() throws {
        #expect(try fields("临县,😀,e\u{301}\n吕梁市,\"兴县,岚县\"") == [["临县", "😀", "e\u{301}"], ["吕梁市", "兴县,岚县"]])
    }

    // MARK: Quoting

    @Test(
        "quoted fields hold commas, quotes and line breaks",
        arguments: [
            ("\"a,b\",c", ["a,b", "c"]),
            ("\"say \"\"hi\"\"\",x", ["say \"hi\"", "x"]),
            ("\"\"\"\"", ["\""]),
            ("\"\"\"\"\"\"", ["\"\""]),
            ("x,\"\"\"quoted\"\"\"", ["x", "\"quoted\""]),
            ("\"line1\nline2\",x", ["line1\nline2", "x"]),
            ("\"line1\r\nline2\",x", ["line1\r\nline2", "x"]),
            ("\"a\"\r\n", ["a"]),
            ("\"\",\"\"", ["", ""]),
            ("\",\",\",\"", [",", ","]),
            ("\"  padded  \"", ["  padded  "]),
        ])
    func quoted(_ text: String, _ expected: [String]) throws {
        #expect(try fields(text) == [expected])
    }

    @Test("a quote inside an unquoted field is literal")
    func innerQuote() throws {
        #expect(try fields("a\"b,c\"") == [["a\"b", "c\""]])
        #expect(try fields("5'10\",x") == [["5'10\"", "x"]])
    }

    // MARK: Line numbers

    @Test("a row starts on its first line even when a quoted field spans lines")
    func lineNumbersAcrossQuotedNewlines() throws {
        let text = "name,note\n张三,\"第一行\n第二行\n第三行\"\n李四,ok\n王五,\"x\r\ny\"\r\n赵六,end\n"
        #expect(
            try parse(text) == [
                Row(line: 1, fields: ["name", "note"]),
                Row(line: 2, fields: ["张三", "第一行\n第二行\n第三行"]),
                Row(line: 5, fields: ["李四", "ok"]),
                Row(line: 6, fields: ["王五", "x\r\ny"]),
                Row(line: 8, fields: ["赵六", "end"]),
            ])
    }

    @Test("a multi-line field in the middle of a row")
    func midRowMultiline() throws {
        #expect(try parse("a,\"x\ny\",b\nc") == [Row(line: 1, fields: ["a", "x\ny", "b"]), Row(line: 3, fields: ["c"])])
    }

    @Test("blank lines after a multi-line field are counted")
    func blankAfterMultiline() throws {
        #expect(try parse("\"a\n\nb\"\n\n\nc") == [Row(line: 1, fields: ["a\n\nb"]), Row(line: 6, fields: ["c"])])
    }

    // MARK: Errors

    @Test(
        "an unterminated quote reports the line its row starts on",
        arguments: [
            ("\"abc", 1),
            ("\"", 1),
            ("a,b\n\"oops,c\n", 2),
            ("a\nb\n\"x\ny\nz", 3),
            ("a\r\nb,\"c\r\nd\r\n", 2),
            ("\"ok\"\n\"\"\"", 2),
            ("\u{FEFF}\"a", 1),
        ])
    func unterminated(_ text: String, _ line: Int) {
        #expect(throws: CSVParser.Problem.unterminatedQuote(line: line)) { try CSVParser.parse(text) }
    }

    // MARK: Escape and line

    @Test(
        "escape quotes only when needed",
        arguments: [
            ("plain", "plain"),
            ("临县", "临县"),
            (" spaced ", " spaced "),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\"", "\"\"\"\""),
            ("a\nb", "\"a\nb\""),
            ("a\rb", "\"a\rb\""),
            ("a\n\r\nb", "\"a\n\r\nb\""),
        ])
    func escape(_ field: String, _ escaped: String) {
        #expect(CSVParser.escape(field) == escaped)
    }

    @Test("line joins escaped fields with commas")
    func line() {
        #expect(CSVParser.line(["141124", "临县", "a,b", "\"q\""]) == "141124,临县,\"a,b\",\"\"\"q\"\"\"")
        #expect(CSVParser.line(["a"]) == "a")
        #expect(CSVParser.line(["", ""]) == ",")
    }

    static let awkward: [[String]] = [
        ["a,b", "say \"hi\"", "multi\nline", "cr\rlf\r\n", " lead", "trail ", "\"", "\"\"", ",", ",,"],
        ["", "x", ""],
        ["", ""],
        ["\"starts with a quote", "ends with a quote\"", "mid\"dle"],
        ["临县", "😀", "e\u{301}", "=1+1", "\t"],
        ["\n", "\r", "\n\n", "x\ry", "a\r\n\nb"],
        ["only"],
        ["\"\""],
    ]

    @Test("line then parse gives the same fields back", arguments: awkward)
    func roundTripOne(_ row: [String]) throws {
        #expect(try parse(CSVParser.line(row)) == [Row(line: 1, fields: row)])
    }

    @Test("a whole file round-trips with correct line numbers", arguments: ["\n", "\r\n"])
    func roundTripFile(_ separator: String) throws {
        let text = Self.awkward.map(CSVParser.line).joined(separator: separator) + separator
        let rows = try parse(text)
        #expect(rows.map(\.fields) == Self.awkward)
        // Each row starts one line after the previous one ended; embedded LFs count as lines.
        var expectedLine = 1
        for (row, fields) in zip(rows, Self.awkward) {
            #expect(row.line == expectedLine)
            expectedLine += 1 + fields.reduce(0) { $0 + $1.filter { $0 == "\n" || $0 == "\r\n" }.count }
        }
    }

    // Regression (found by this suite, fixed): (Tabular/CSVParser.swift:75-77): escape("") returns "", so a row whose only
    // field is empty is written as a blank line, and parse skips blank lines: line([""]) does not
    // re-import to the same data (a one-column export loses its empty rows). Correct: a lone empty
    // field must be written so that it survives, e.g. line([""]) == "\"\"" (parse already keeps "\"\"").
    @Test("a row with one empty field round-trips")
    func roundTripSingleEmpty() throws {
        #expect(try parse(CSVParser.line([""])) == [Row(line: 1, fields: [""])])
        let file = [["a"], [""], ["b"]].map(CSVParser.line).joined(separator: "\n")
        #expect(try parse(file).map(\.fields) == [["a"], [""], ["b"]])
    }

    // Regression (found by this suite, fixed): (Tabular/CSVParser.swift:76): escape tests Characters, and in Swift "\r\n" is ONE
    // Character (a grapheme cluster) equal to neither "\n" nor "\r". So a field whose only line
    // break is CRLF — the normal case for text typed into a browser <textarea> — is written
    // unquoted, and re-importing the file splits that row in two. Correct: escape must quote it
    // (e.g. test unicodeScalars / utf8 instead of Characters).
    @Test("fields with CRLF line breaks are quoted and round-trip")
    func crlfFields() throws {
        #expect(CSVParser.escape("a\r\nb") == "\"a\r\nb\"")
        #expect(CSVParser.escape("\r\n") == "\"\r\n\"")
        #expect(try parse(CSVParser.line(["第一行\r\n第二行", "x"])) == [Row(line: 1, fields: ["第一行\r\n第二行", "x"])])
        let rows = [["note", "n"], ["a\r\nb", "1"], ["c", "2"]]
        let file = rows.map(CSVParser.line).joined(separator: "\r\n")
        #expect(
            try parse(file) == [
                Row(line: 1, fields: ["note", "n"]), Row(line: 2, fields: ["a\r\nb", "1"]), Row(line: 4, fields: ["c", "2"]),
            ])
    }
}

@Suite("CSV and markup escaping work on scalars")
struct ScalarEscapingTests {
    /// Found by the export → import property test: `"` + U+0307 is one Character, so a
    /// Character-wise replacement left the quote single and the row fell apart on import.
    @Test("a quote followed by a combining mark is doubled", arguments: ["a\"\u{0307}b", "\"\u{0301}", "x,\"\u{20DD}\"y"])
    func quoteWithCombiningMark(_ field: String) throws {
        let line = CSVParser.line([field, "next"])
        let rows = try CSVParser.parse(line)
        #expect(rows.count == 1)
        #expect(rows.first?.fields.map { Array($0.unicodeScalars) } == [Array(field.unicodeScalars), Array("next".unicodeScalars)])
    }

    @Test("markup escapes quotes and brackets even when a mark follows them")
    func markup() {
        #expect(Markup.escape("\"\u{0338} onload=x \"") == "&quot;\u{0338} onload=x &quot;")
        #expect(Markup.escape("<\u{0338}script>&") == "&lt;\u{0338}script&gt;&amp;")
        #expect(Markup.escape("a\u{0000}b\tc\u{FFFF}") == "ab\tc")
        #expect(Markup.escape("'") == "&#39;")
    }
}
