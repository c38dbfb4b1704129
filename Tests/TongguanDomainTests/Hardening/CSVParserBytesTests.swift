import Testing

@testable import TongguanDomain

/// `CSVParser` reads UTF-8 bytes; this is the parser it replaced, which read Unicode scalars
/// one by one, kept here as the reference: on 60,000 random texts made of the characters
/// that matter (quotes, commas, CR, LF, a BOM, combining marks, CJK) both give the same rows
/// and line numbers, the same refusal, and stop at the same row.
@Suite("CSVParser over bytes agrees with the scalar parser")
struct CSVParserBytesTests {
    enum Outcome: Equatable {
        case rows([CSVParser.Row])
        case refused(CSVParser.Problem)
    }

    /// The scalar-by-scalar parser as it was, with the same bound and early stop.
    static func reference(_ text: String, maxFieldsPerRow: Int, stopAfter: Int) -> Outcome {
        var rows: [CSVParser.Row] = []
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var rowStart = 1
        var inQuotes = false
        var quotedField = false
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        var stopped = false
        func endRow() {
            fields.append(String(field))
            field = .init()
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
                rows.append(CSVParser.Row(line: rowStart, fields: fields))
                stopped = rows.count >= stopAfter
            }
            fields = []
            quotedField = false
        }
        while !stopped, let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true
                quotedField = true
            case ",":
                fields.append(String(field))
                field = .init()
                if fields.count >= maxFieldsPerRow { return .refused(.tooManyFields(line: rowStart)) }
            case "\r":
                let next = iterator.next()
                if next != "\n" { pending = next }
                endRow(); line += 1; rowStart = line
            case "\n":
                endRow(); line += 1; rowStart = line
            default:
                field.append(c)
            }
        }
        if stopped { return .rows(rows) }
        if inQuotes { return .refused(.unterminatedQuote(line: rowStart)) }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRow() }
        return .rows(rows)
    }

    static func parsed(_ text: String, maxFieldsPerRow: Int, stopAfter: Int) -> Outcome {
        var rows: [CSVParser.Row] = []
        do {
            try CSVParser.parse(text, maxFieldsPerRow: maxFieldsPerRow) { row in
                rows.append(row)
                return rows.count < stopAfter
            }
            return .rows(rows)
        } catch {
            return .refused(error)
        }
    }

    static let alphabet: [String] = [
        "a", "1", " ", ",", ",", "\"", "\"", "\"\"", "\r", "\n", "\r\n", "\u{FEFF}", "\u{0301}", "é", "中", "户主", "𠀀", "\t", "'",
    ]

    @Test func randomTextsAgree() {
        var rng = SeededNumbers(seed: 2026_11_30)
        var rowsSeen = 0
        for _ in 0..<60_000 {
            let length = Int(rng.below(30))
            let text = (0..<length).map { _ in Self.alphabet[Int(rng.below(UInt64(Self.alphabet.count)))] }.joined()
            let bound = rng.below(4) == 0 ? Int(rng.below(5)) + 1 : .max
            let stopAfter = rng.below(4) == 0 ? Int(rng.below(3)) + 1 : .max
            let expected = Self.reference(text, maxFieldsPerRow: bound, stopAfter: stopAfter)
            #expect(Self.parsed(text, maxFieldsPerRow: bound, stopAfter: stopAfter) == expected, "\(Array(text.unicodeScalars))")
            if case .rows(let rows) = expected { rowsSeen += rows.count }
        }
        // The texts are not all refused or empty.
        #expect(rowsSeen > 60_000)
    }
}
