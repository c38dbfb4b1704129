import Foundation
import TongguanDomain

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `<sheetData><row r="5"><c r="C5" t="s"><v>3</v></c>…</row></sheetData>`.
final class SheetHandler: PartHandler {
    var rows: [SheetRow] = []
    private let sharedStrings: [String]

    private var rowNumber = 0
    private var rowCount = 0
    private var cellCount = 0
    private var cells: [SheetCell] = []
    private var inRow = false

    private var column = -1
    private var cellType: String?
    private var inCell = false
    private var value: String?
    private var inlineText: String?
    private var inValue = false
    private var inInlineText = false
    private var inInlineString = false
    private var phoneticDepth = 0

    private let limits: XLSXReader.Limits

    init(sharedStrings: [String], limits: XLSXReader.Limits) {
        self.sharedStrings = sharedStrings
        self.limits = limits
    }

    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes: [String: String] = [:]
    ) {
        switch elementName {
        case "row":
            rowCount += 1
            if rowCount > limits.rows {
                return fail(parser, "表格行数超过上限(\(limits.rows) 行)")
            }
            if let r = attributes["r"] {
                guard let n = Int(r), n > 0 else { return fail(parser, "无法读取 XLSX 文件:行号「\(r)」无效") }
                rowNumber = n
            } else {
                rowNumber += 1
            }
            inRow = true
            cells = []
            column = -1
        case "c" where inRow:
            if let r = attributes["r"] {
                guard let c = CellReference.column(Substring(r)) else {
                    return fail(parser, "无法读取 XLSX 文件:单元格位置「\(r)」无效")
                }
                column = c
            } else {
                column += 1
                guard column < CellReference.maxColumns else { return fail(parser, "无法读取 XLSX 文件:列数超过上限") }
            }
            cellType = attributes["t"]
            inCell = true
            value = nil
            inlineText = nil
        case "v" where inCell:
            inValue = true
            value = value ?? ""
        case "is" where inCell:
            inInlineString = true
            inlineText = inlineText ?? ""
        case "rPh" where inInlineString:
            phoneticDepth += 1
        case "t" where inInlineString:
            inInlineText = phoneticDepth == 0
        default:
            break
        }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch elementName {
        case "v": inValue = false
        case "t": inInlineText = false
        case "rPh" where inInlineString: phoneticDepth -= 1
        case "is": inInlineString = false
        case "c" where inCell:
            inCell = false
            if let cell = makeCell(parser) { place(cell, parser) }
        case "row" where inRow:
            inRow = false
            // A row of nothing is no row, as a blank line is none in a CSV.
            if cells.contains(where: { $0 != .text("") }) {
                rows.append(SheetRow(line: rowNumber, cells: cells))
            }
            cells = []
        default:
            break
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue { value! += string } else if inInlineText { inlineText! += string }
    }

    /// The cell's content; nil for a cell with a style but no value, which is not placed, so
    /// formatted blank cells do not widen a row.
    private func makeCell(_ parser: XMLParser) -> SheetCell? {
        switch cellType {
        case "s":
            guard let value else { return nil }
            guard let index = Int(value.trimmingCharacters(in: .whitespaces)), sharedStrings.indices.contains(index) else {
                fail(parser, "无法读取 XLSX 文件:单元格 \(CellReference.name(column: column, row: rowNumber)) 的共享字符串编号「\(value)」无效")
                return nil
            }
            return .text(sharedStrings[index])
        case "inlineStr":
            guard let text = inlineText ?? value else { return nil }
            return .text(XLSXReader.unescapeOOXML(text))
        case "b":
            guard let value else { return nil }
            switch value.trimmingCharacters(in: .whitespaces) {
            case "1", "true": return .text("TRUE")
            case "0", "false": return .text("FALSE")
            default: return .text(value)
            }
        case "str":
            return value.map { .text(XLSXReader.unescapeOOXML($0)) }
        case nil, "n":
            guard let value else { return nil }
            let digits = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return digits.isEmpty ? .text("") : .number(digits)
        default:  // "e" (#N/A …), "d" (ISO 8601 date text)
            return value.map { .text($0) }
        }
    }

    private func place(_ cell: SheetCell, _ parser: XMLParser) {
        if column >= cells.count {
            let added = column + 1 - cells.count
            cellCount += added
            guard cellCount <= limits.cells else {
                return fail(parser, "表格单元格数超过上限(\(limits.cells) 个)")
            }
            cells.append(contentsOf: repeatElement(.text(""), count: added))
        }
        cells[column] = cell
    }
}
