import Foundation
import TongguanDomain

/// A spreadsheet file as users bring and take it: CSV (UTF-8, or GB18030/GBK as Excel on
/// Chinese Windows saves it) or XLSX. Imports read rows through here; exports write them.
enum SheetFile {
    enum Format: String, Sendable {
        case csv, xlsx
    }

    /// The rows of a CSV or XLSX file, with spreadsheet row numbers (header = 1).
    ///
    /// XLSX is recognised by the ZIP signature; anything else is CSV, decoded as UTF-8 (with
    /// or without a byte order mark) when the bytes are valid UTF-8, else as GB18030. CSV
    /// cells are `.text`; XLSX cells are `.text` for strings and `.number` with the stored
    /// digits for numbers (dates are serial numbers, as Excel stores them).
    static func read(_ data: Data) throws(SheetFileError) -> [SheetRow] {
        if data.starts(with: zipSignature) { return try XLSXReader.read(data) }
        var rows: [SheetRow] = []
        try read(data) { rows.append($0) }
        return rows
    }

    /// Hands over each row as it is read. For CSV that is while parsing, so a caller that
    /// checks rows one at a time never holds the whole sheet as rows; an XLSX is read whole
    /// first (its cells arrive column-sorted per row only once the sheet is parsed).
    static func read(_ data: Data, each body: (SheetRow) -> Void) throws(SheetFileError) {
        try read(data, limits: SheetLimits()) {
            body($0); return true
        }
    }

    /// As `read(_:each:)`, within `limits`; `body` returns false to stop reading. A CSV cell
    /// written by our own export with a protective `'` (see `FormulaGuard`) reads back as
    /// the text that was exported.
    static func read(_ data: Data, limits: SheetLimits, each body: (SheetRow) -> Bool) throws(SheetFileError) {
        if data.starts(with: zipSignature) {
            for row in try XLSXReader.read(data, limits: .init(sheet: limits)) where !body(row) { return }
            return
        }
        if data.starts(with: oleSignature) {
            throw SheetFileError("不支持旧版 Excel(.xls)或加密的文件:请另存为 .xlsx 或 CSV 后再导入")
        }
        let text = try decodeText(data)
        do {
            try CSVParser.parse(text, maxFieldsPerRow: limits.columnsPerRow) { row in
                body(SheetRow(line: row.line, cells: row.fields.map { .text(FormulaGuard.unguarded($0)) }))
            }
        } catch {
            switch error {
            case .unterminatedQuote(let line): throw SheetFileError("CSV 第\(line)行引号未闭合")
            case .tooManyFields(let line): throw SheetFileError("CSV 第\(line)行" + limits.tooWideMessage)
            }
        }
    }

    /// The rows (first row = header) as a file: CSV is UTF-8 with a byte order mark (so Excel
    /// recognises it) or GB18030, CRLF line ends; XLSX is one sheet of text cells.
    static func write(
        _ rows: [[String]], format: Format, encoding: CSVEncoding = .utf8,
        sheetName: String = "Sheet1"
    ) throws(SheetFileError) -> Data {
        switch format {
        case .xlsx:
            return try XLSXWriter.write(rows, sheetName: sheetName)
        case .csv:
            var text = ""
            for row in rows { text += CSVParser.line(row.map(FormulaGuard.guarded)) + "\r\n" }
            switch encoding {
            case .utf8:
                return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
            case .gb18030:
                guard let data = TextEncoding.encodeGB18030(text) else {
                    throw SheetFileError("无法以 GB18030 编码写出 CSV")
                }
                return data
            }
        }
    }

    /// CSV bytes as text: UTF-8 first (a BOM is left for CSVParser to drop), else GB18030.
    /// Line feeds in `data` (counted over its bytes: `Data`'s own iterator cost a member
    /// import most of a second per million rows). Quoted line breaks count too.
    static func lineFeeds(in data: Data) -> Int {
        data.withUnsafeBytes { bytes in bytes.reduce(into: 0) { n, byte in if byte == 0x0A { n += 1 } } }
    }

    static func decodeText(_ data: Data) throws(SheetFileError) -> String {
        // A NUL never occurs in a CSV a person saved: it is a binary file or UTF-16 text. In
        // UTF-8 and GB18030 alike the byte 0 is NUL and nothing else, so the bytes tell.
        let hasNUL = data.withUnsafeBytes { $0.contains(0) }
        guard !hasNUL, let text = String(data: data, encoding: .utf8) ?? TextEncoding.decodeGB18030(data) else {
            throw SheetFileError("文件编码无法识别(应为 UTF-8 或 GB18030)")
        }
        return text
    }

    static let zipSignature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    /// OLE2 compound file: legacy .xls, and password-protected .xlsx.
    static let oleSignature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
}

enum CSVEncoding: String, Sendable {
    case utf8, gb18030
}

/// Why a spreadsheet file could not be read or written, in words for the user.
struct SheetFileError: Error, Equatable, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    init(message: String) { self.message = message }
    var description: String { message }
}

/// Spreadsheet column letters: A = 0 … Z = 25, AA = 26 … XFD = 16383.
enum CellReference {
    static let maxColumns = 16_384

    static func letters(_ index: Int) -> String {
        var n = index + 1
        var scalars: [Unicode.Scalar] = []
        while n > 0 {
            let r = (n - 1) % 26
            scalars.append(Unicode.Scalar(UInt8(65 + r)))
            n = (n - 1) / 26
        }
        return String(String.UnicodeScalarView(scalars.reversed()))
    }

    /// The column index of a reference such as "C7" or "AA12"; nil when it has no letters or
    /// lies beyond XFD.
    static func column(_ reference: Substring) -> Int? {
        var n = 0
        var count = 0
        for u in reference.utf8 {
            let c: Int
            switch u {
            case 65...90: c = Int(u) - 64
            case 97...122: c = Int(u) - 96
            case 36: continue  // "$A$1"
            default:
                guard count > 0 else { return nil }
                return n <= maxColumns ? n - 1 : nil
            }
            count += 1
            if count > 3 { return nil }
            n = n * 26 + c
        }
        guard count > 0, n <= maxColumns else { return nil }
        return n - 1
    }

    static func name(column: Int, row: Int) -> String { letters(column) + String(row) }
}

/// CSV cells that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`)
/// are exported with a leading `'`, which Excel and WPS show as plain text; reading a CSV
/// takes that mark off again, so export → import gives back the same text. A value that
/// itself starts with `'` gets a second one for the same reason. XLSX cells are typed text
/// and need no mark.
enum FormulaGuard {
    static func needsGuard(_ first: Unicode.Scalar) -> Bool {
        first == "=" || first == "+" || first == "-" || first == "@" || first == "\t" || first == "\r" || first == "'"
    }

    static func guarded(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, needsGuard(first) else { return cell }
        return "'" + cell
    }

    static func unguarded(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first, needsGuard(second) else { return cell }
        return String(cell.unicodeScalars.dropFirst())
    }
}
