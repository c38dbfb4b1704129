import Foundation

/// RFC 4180 CSV as spreadsheet programs write it: quoted fields may hold commas, quotes
/// ("") and line breaks; lines end in LF or CRLF; a UTF-8 byte order mark is dropped.
public enum CSVParser {
    public struct Row: Equatable, Sendable {
        /// The line the row starts on, counting the header as line 1, as a spreadsheet shows it.
        public let line: Int
        public let fields: [String]
    }

    public enum Problem: Error, Equatable, Sendable {
        case unterminatedQuote(line: Int)
        /// A row with more fields than the caller allows: a file of separators would
        /// otherwise become millions of empty strings before any check could refuse it.
        case tooManyFields(line: Int)

        public var line: Int {
            switch self {
            case .unterminatedQuote(let line), .tooManyFields(let line): line
            }
        }

        public var message: String {
            switch self {
            case .unterminatedQuote: "引号没有闭合"
            case .tooManyFields: "列数过多"
            }
        }
    }

    public static func parse(_ text: String) throws(Problem) -> [Row] {
        var rows: [Row] = []
        try parse(text) { rows.append($0) }
        return rows
    }

    /// Hands each row to `body` as soon as it is read, so a caller that converts rows keeps
    /// one copy of a large file in memory, not two.
    public static func parse(_ text: String, each body: (Row) -> Void) throws(Problem) {
        try parse(text, maxFieldsPerRow: .max) { row in
            body(row); return true
        }
    }

    /// As `parse(_:each:)`, with a bound on fields per row; `body` returns false to stop
    /// reading (the rest of the text is not parsed).
    public static func parse(_ text: String, maxFieldsPerRow: Int, each body: (Row) -> Bool) throws(Problem) {
        var text = text
        let problem = text.withUTF8 { bytes in parse(utf8: bytes, maxFieldsPerRow: maxFieldsPerRow, each: body) }
        if let problem { throw problem }
    }

    /// The parser itself, over the text's UTF-8 bytes: every byte it acts on (quote, comma,
    /// CR, LF) is ASCII, which UTF-8 never uses inside a longer character, so a field is the
    /// bytes between them (`CSVParserTests` compares this with a parser that reads scalar by
    /// scalar). Reading scalars and appending them one by one was a fifth of reading a
    /// member sheet.
    static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>, maxFieldsPerRow: Int, each body: (Row) -> Bool) -> Problem? {
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        let n = bytes.count
        var i = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(256)
        var line = 1
        var rowStart = 1
        var inQuotes = false
        var quotedField = false
        var stopped = false

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRow() {
            endField()
            // A blank line is not a row: spreadsheets leave them at the end of files.
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
                stopped = !body(Row(line: rowStart, fields: fields))
            }
            fields = []
            quotedField = false
        }

        while !stopped && i < n {
            let c = bytes[i]
            i += 1
            if inQuotes {
                if c == quote {
                    if i < n && bytes[i] == quote {
                        field.append(quote)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == lf { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case quote where field.isEmpty:
                inQuotes = true
                quotedField = true
            case comma:
                endField()
                if fields.count >= maxFieldsPerRow { return .tooManyFields(line: rowStart) }
            case cr:
                if i < n && bytes[i] == lf { i += 1 }
                endRow(); line += 1; rowStart = line
            case lf:
                endRow(); line += 1; rowStart = line
            default:
                field.append(c)
            }
        }
        if stopped { return nil }
        if inQuotes { return .unterminatedQuote(line: rowStart) }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRow() }
        return nil
    }

    /// Quotes a field when it needs it, for writing files that re-import to the same data.
    public static func escape(_ field: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character that equals neither "\r" nor "\n".
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        // Quotes are doubled scalar by scalar: a quote followed by a combining mark is one
        // Character to Swift, which `replacingOccurrences` would leave single.
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in field.unicodeScalars {
            out.append(scalar)
            if scalar == "\"" { out.append("\"") }
        }
        out.append("\"")
        return String(out)
    }

    public static func line(_ fields: [String]) -> String {
        // A lone empty field would be a blank line, which `parse` skips: quote it.
        if fields == [""] { return "\"\"" }
        return fields.map(escape).joined(separator: ",")
    }
}
