import Foundation
import ZIPFoundation

/// Writes rows as the smallest workbook Excel, LibreOffice and openpyxl open without
/// complaint: one sheet (or a few, such as a template's explanation), every cell an inline
/// string.
enum XLSXWriter {
    static func write(_ rows: [[String]], sheetName: String = "Sheet1") throws(SheetFileError) -> Data {
        try write(sheets: [(sheetName, rows)])
    }

    /// Several sheets, in order (the first is the one an import reads).
    static func write(sheets: [(name: String, rows: [[String]])]) throws(SheetFileError) -> Data {
        let names = sheets.map { safeSheetName($0.name) }
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(sheetCount: sheets.count)),
            ("_rels/.rels", packageRelationships),
            ("xl/workbook.xml", workbook(sheetNames: names)),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(sheetCount: sheets.count)),
            ("xl/styles.xml", styles),
        ]
        for (i, sheet) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(i + 1).xml", worksheet(sheet.rows))) }
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, text) in parts {
                let bytes = Data(text.utf8)
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(bytes.count),
                    modificationDate: fixedDate, compressionMethod: .deflate
                ) { position, size in
                    let start = bytes.startIndex + Int(position)
                    return bytes.subdata(in: start..<min(start + size, bytes.endIndex))
                }
            }
            guard let data = archive.data else { throw SheetFileError("无法生成 XLSX 文件") }
            return data
        } catch let error as SheetFileError {
            throw error
        } catch {
            throw SheetFileError("无法生成 XLSX 文件:\(error)")
        }
    }

    /// The same bytes for the same rows: the ZIP entries carry this date, not the clock's.
    static let fixedDate = Date(timeIntervalSince1970: 1_577_836_800)  // 2020-01-01

    static func worksheet(_ rows: [[String]]) -> String {
        let width = rows.map(\.count).max() ?? 0
        let dimension = rows.isEmpty || width == 0 ? "A1" : "A1:" + CellReference.name(column: width - 1, row: rows.count)
        var xml = header
        xml += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#
        xml += #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        xml += #"<dimension ref="\#(dimension)"/><sheetData>"#
        let columns = (0..<width).map(CellReference.letters)
        for (r, row) in rows.enumerated() {
            let number = String(r + 1)
            xml += #"<row r="\#(number)">"#
            for (c, value) in row.enumerated() {
                xml += #"<c r="\#(columns[c])\#(number)" t="inlineStr"><is><t"#
                let text = escape(value)
                // Without xml:space="preserve" Excel drops leading and trailing blanks.
                if let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
                    first.properties.isWhitespace || last.properties.isWhitespace
                {
                    xml += #" xml:space="preserve""#
                }
                xml += ">" + text + "</t></is></c>"
            }
            xml += "</row>"
        }
        xml += "</sheetData></worksheet>"
        return xml
    }

    /// Text as XML character data: markup characters escaped, a carriage return kept (XML
    /// would turn CRLF into LF), characters XML cannot hold dropped, and a literal `_xHHHH_`
    /// protected from being read as Excel's escape for a character.
    static func escape(_ text: String) -> String {
        // Most cells need nothing: U+FFFE and U+FFFF start with 0xEF in UTF-8.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x5F || $0 == 0xEF }) {
            return text
        }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, u) in scalars.enumerated() {
            switch u {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "\r": out.append(contentsOf: "&#13;".unicodeScalars)
            case "\t", "\n": out.append(u)
            case "_" where looksLikeOOXMLEscape(scalars, at: i): out.append(contentsOf: "_x005F_".unicodeScalars)
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { continue }
                out.append(u)
            }
        }
        return String(out)
    }

    private static func looksLikeOOXMLEscape(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + 6 < s.count, s[i + 1] == "x", s[i + 6] == "_" else { return false }
        return s[(i + 2)..<(i + 6)].allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// Excel refuses sheet names longer than 31 characters or holding : \ / ? * [ ].
    static func safeSheetName(_ name: String) -> String {
        let cleaned = String(name.filter { !":\\/?*[]".contains($0) && !($0.asciiValue.map { $0 < 0x20 } ?? false) }.prefix(31))
            .trimmingCharacters(in: CharacterSet(charactersIn: "' "))
        return cleaned.isEmpty ? "Sheet1" : cleaned
    }

    static let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    static func contentTypes(sheetCount: Int) -> String {
        let sheets = (1...max(1, sheetCount)).map {
            #"<Override PartName="/xl/worksheets/sheet\#($0).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }.joined()
        return header + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            \(sheets)\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            </Types>
            """
    }

    static let packageRelationships =
        header + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """

    /// Sheet i (1-based) is relationship `rId<i>`; the styles come after the sheets.
    static func workbook(sheetNames: [String]) -> String {
        let sheets = sheetNames.enumerated().map { #"<sheet name="\#(escape($1))" sheetId="\#($0 + 1)" r:id="rId\#($0 + 1)"/>"# }.joined()
        return header + """
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets>\(sheets)</sheets>\
            </workbook>
            """
    }

    static func workbookRelationships(sheetCount: Int) -> String {
        let n = max(1, sheetCount)
        let sheets = (1...n).map {
            #"<Relationship Id="rId\#($0)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#($0).xml"/>"#
        }.joined()
        return header + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            \(sheets)\
            <Relationship Id="rId\(n + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """
    }

    static let styles =
        header + """
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """
}
