import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TongguanDomain
import ZIPFoundation

/// Reads the first sheet of an XLSX file into rows.
///
/// The ZIP directory is read here, not with `ZIPFoundation.Archive`: its reader spins forever
/// on a deflate stream that does not end before the end of the file (a crafted upload), and
/// we want the sizes checked before anything is inflated. Inflating itself is ZIPFoundation's
/// `Data.decompress`, fed so that it can never run past the entry.
enum XLSXReader {
    /// Bounds on what one upload may make the server hold.
    struct Limits: Sendable {
        /// Uncompressed bytes of one ZIP entry (a zip bomb is refused here).
        var entryBytes = 200 * 1024 * 1024
        var rows = 1_000_000
        /// Cells kept in memory, gaps filled in included: a row with one cell in column XFD is
        /// 16,384 cells, so the row limit alone does not bound memory.
        var cells = 20_000_000
    }

    static func read(_ data: Data, limits: Limits = Limits()) throws(SheetFileError) -> [SheetRow] {
        let zip = try ZipDirectory(data, entryLimit: limits.entryBytes)
        let workbookPath = try officeDocumentPath(zip)
        let workbookRels = try relationships(zip, for: workbookPath)
        let workbook = try parse(zip, workbookPath, WorkbookHandler())
        guard let sheetID = workbook.firstSheetRelationship else {
            throw SheetFileError("无法读取 XLSX 文件:工作簿中没有工作表")
        }
        guard let sheetRel = workbookRels.first(where: { $0.id == sheetID }) else {
            throw SheetFileError("无法读取 XLSX 文件:找不到第一个工作表的位置")
        }
        let sheetPath = resolve(sheetRel.target, from: workbookPath)
        guard zip.contains(sheetPath) else { throw SheetFileError("无法读取 XLSX 文件:缺少 \(sheetPath)") }

        var sharedStrings: [String] = []
        let sharedRel = workbookRels.first { $0.type.hasSuffix("/sharedStrings") }
        let sharedPath = sharedRel.map { resolve($0.target, from: workbookPath) } ?? "xl/sharedStrings.xml"
        if zip.contains(sharedPath) {
            sharedStrings = try parse(zip, sharedPath, SharedStringsHandler(limits: limits)).strings
        }
        return try parse(zip, sheetPath, SheetHandler(sharedStrings: sharedStrings, limits: limits)).rows
    }

    // MARK: Package parts

    struct Relationship {
        var id: String
        var type: String
        var target: String
    }

    /// The workbook part named by the package relationships, or the usual place.
    static func officeDocumentPath(_ zip: ZipDirectory) throws(SheetFileError) -> String {
        if zip.contains("_rels/.rels") {
            let rels = try parse(zip, "_rels/.rels", RelationshipsHandler()).relationships
            if let main = rels.first(where: { $0.type.hasSuffix("/officeDocument") }) {
                let path = resolve(main.target, from: "")
                if zip.contains(path) { return path }
            }
        }
        guard zip.contains("xl/workbook.xml") else { throw SheetFileError("无法读取 XLSX 文件:缺少 xl/workbook.xml") }
        return "xl/workbook.xml"
    }

    /// The relationships of a part (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`).
    static func relationships(_ zip: ZipDirectory, for part: String) throws(SheetFileError) -> [Relationship] {
        let directory = part.split(separator: "/").dropLast().joined(separator: "/")
        let name = part.split(separator: "/").last.map(String.init) ?? part
        let relsPath = (directory.isEmpty ? "" : directory + "/") + "_rels/" + name + ".rels"
        guard zip.contains(relsPath) else { throw SheetFileError("无法读取 XLSX 文件:缺少 \(relsPath)") }
        return try parse(zip, relsPath, RelationshipsHandler()).relationships
    }

    /// A relationship target as a path in the ZIP: "/xl/worksheets/sheet1.xml" is from the
    /// package root, "worksheets/sheet1.xml" from the directory of the part that names it.
    static func resolve(_ target: String, from part: String) -> String {
        var segments: [Substring]
        if target.hasPrefix("/") {
            segments = []
        } else {
            segments = part.split(separator: "/")
            segments.removeLast(min(1, segments.count))
        }
        for segment in target.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": segments.removeLast(min(1, segments.count))
            default: segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }

    // MARK: XML

    static func parse<H: PartHandler>(_ zip: ZipDirectory, _ path: String, _ handler: H) throws(SheetFileError) -> H {
        let xml = try zip.contents(of: path)
        // From a stream, not `XMLParser(data:)`: on Linux that hands libxml2 the whole part in
        // one push, and libxml2 refuses a push of more than 10 MB ("huge input lookup"), so
        // any sheet of a few ten thousand rows fails. From a stream it is fed in chunks.
        let parser = XMLParser(stream: InputStream(data: xml))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = handler
        let ok = parser.parse()
        if let error = handler.failure { throw error }
        guard ok else {
            let line = parser.lineNumber
            throw SheetFileError("无法读取 XLSX 文件:\(path) 不是有效的 XML(第\(line)行)")
        }
        return handler
    }

    /// The value of an attribute, whatever namespace prefix the file gives it ("r:id").
    static func attribute(_ attributes: [String: String], _ name: String) -> String? {
        if let value = attributes[name] { return value }
        return attributes.first { $0.key.hasSuffix(":" + name) }?.value
    }

    /// Excel writes characters XML cannot hold as `_xHHHH_` (`_x000D_` for a carriage return),
    /// and a literal `_xHHHH_` as `_x005F_xHHHH_`.
    static func unescapeOOXML(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_" {
                let hex = String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)]))
                if hex.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit }),
                   let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                    out.append(scalar)
                    i += 7
                    continue
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }
}

/// An XMLParser delegate that may stop the parse with a message for the user.
///
/// Subclasses override these methods rather than add their own: on Linux the delegate
/// protocol's methods have default implementations in an extension, so a method a subclass
/// adds would never be called through the conformance declared here.
class PartHandler: NSObject, XMLParserDelegate {
    var failure: SheetFileError?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {}
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {}
    func parser(_ parser: XMLParser, foundCharacters string: String) {}
    /// `<t><![CDATA[…]]></t>` is text like any other.
    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        self.parser(parser, foundCharacters: String(decoding: CDATABlock, as: UTF8.self))
    }

    func fail(_ parser: XMLParser, _ message: String) {
        if failure == nil { failure = SheetFileError(message) }
        parser.abortParsing()
    }
}

final class RelationshipsHandler: PartHandler {
    var relationships: [XLSXReader.Relationship] = []

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard elementName == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        // External links (hyperlinks) are not parts of the package.
        if attributes["TargetMode"] == "External" { return }
        relationships.append(.init(id: id, type: attributes["Type"] ?? "", target: target))
    }
}

final class WorkbookHandler: PartHandler {
    var firstSheetRelationship: String?

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard elementName == "sheet", firstSheetRelationship == nil else { return }
        firstSheetRelationship = XLSXReader.attribute(attributes, "id")
    }
}

/// `<sst><si>…</si></sst>`: plain (`<si><t>`) or rich text (`<si><r><t>a</t></r><r><t>b</t></r>`);
/// phonetic guides (`<rPh>`) are not part of the text.
final class SharedStringsHandler: PartHandler {
    var strings: [String] = []
    private let limits: XLSXReader.Limits
    private var current = ""
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    init(limits: XLSXReader.Limits) {
        self.limits = limits
    }

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        switch elementName {
        case "si": inItem = true; current = ""
        case "rPh": phoneticDepth += 1
        case "t": inText = inItem && phoneticDepth == 0
        default: break
        }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch elementName {
        case "si":
            inItem = false
            strings.append(XLSXReader.unescapeOOXML(current))
            if strings.count > limits.cells { fail(parser, "无法读取 XLSX 文件:共享字符串过多") }
        case "rPh": phoneticDepth -= 1
        case "t": inText = false
        default: break
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }
}

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

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
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
        default: // "e" (#N/A …), "d" (ISO 8601 date text)
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

// MARK: ZIP

/// The central directory of a ZIP file, with bounds-checked access to its entries.
struct ZipDirectory {
    struct Entry {
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
    }

    private let data: Data
    /// Uncompressed bytes any one entry may have.
    let entryLimit: Int
    private var entries: [String: Entry] = [:]
    /// Lower-cased names, for files whose writer spelled a part name differently.
    private var folded: [String: String] = [:]

    init(_ data: Data, entryLimit: Int) throws(SheetFileError) {
        self.data = data
        self.entryLimit = entryLimit
        let bytes = Bytes(data: data)
        let corrupt = SheetFileError("无法读取 XLSX 文件:文件已损坏或不是 XLSX 文件")

        // End of central directory: 22 bytes plus a comment of up to 65,535, at the end.
        guard data.count >= 22 else { throw corrupt }
        var eocd: Int?
        var position = data.count - 22
        let lowest = max(0, data.count - 22 - 65_535)
        while position >= lowest {
            if bytes.u32(position) == 0x0605_4B50 { eocd = position; break }
            position -= 1
        }
        guard let eocd else { throw corrupt }
        var entryCount = UInt64(bytes.u16(eocd + 10) ?? 0)
        var directorySize = UInt64(bytes.u32(eocd + 12) ?? 0)
        var directoryOffset = UInt64(bytes.u32(eocd + 16) ?? 0)
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the record points to the 64-bit record.
            guard eocd >= 20, bytes.u32(eocd - 20) == 0x0706_4B50,
                  let recordOffset = bytes.u64(eocd - 12), let record = Int(exactly: recordOffset),
                  bytes.u32(record) == 0x0606_4B50,
                  let count = bytes.u64(record + 32), let size = bytes.u64(record + 40), let offset = bytes.u64(record + 48)
            else { throw corrupt }
            (entryCount, directorySize, directoryOffset) = (count, size, offset)
        }
        guard let start = Int(exactly: directoryOffset), let size = Int(exactly: directorySize),
              start <= data.count, size <= data.count - start else { throw corrupt }

        var p = start
        for _ in 0..<min(entryCount, UInt64(size / 46 + 1)) {
            guard bytes.u32(p) == 0x0201_4B50,
                  let flags = bytes.u16(p + 8), let method = bytes.u16(p + 10), let crc = bytes.u32(p + 16),
                  let compressed32 = bytes.u32(p + 20), let uncompressed32 = bytes.u32(p + 24),
                  let nameLength = bytes.u16(p + 28), let extraLength = bytes.u16(p + 30),
                  let commentLength = bytes.u16(p + 32), let offset32 = bytes.u32(p + 42),
                  let nameBytes = bytes.slice(p + 46, Int(nameLength))
            else { throw corrupt }
            var entry = Entry(method: method, flags: flags, crc32: crc, compressedSize: UInt64(compressed32),
                              uncompressedSize: UInt64(uncompressed32), localHeaderOffset: UInt64(offset32))
            // ZIP64 extra field (id 1): only the sizes that are 0xFFFFFFFF above, in this order.
            if compressed32 == 0xFFFF_FFFF || uncompressed32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
                var e = p + 46 + Int(nameLength)
                let end = e + Int(extraLength)
                while e + 4 <= end, let id = bytes.u16(e), let length = bytes.u16(e + 2) {
                    if id == 1 {
                        var f = e + 4
                        func next() -> UInt64? { defer { f += 8 }; return f + 8 <= e + 4 + Int(length) ? bytes.u64(f) : nil }
                        if uncompressed32 == 0xFFFF_FFFF { guard let v = next() else { throw corrupt }; entry.uncompressedSize = v }
                        if compressed32 == 0xFFFF_FFFF { guard let v = next() else { throw corrupt }; entry.compressedSize = v }
                        if offset32 == 0xFFFF_FFFF { guard let v = next() else { throw corrupt }; entry.localHeaderOffset = v }
                        break
                    }
                    e += 4 + Int(length)
                }
            }
            let name = String(decoding: nameBytes, as: UTF8.self).replacingOccurrences(of: "\\", with: "/")
            let key = name.hasPrefix("/") ? String(name.dropFirst()) : name
            if entries[key] == nil {
                entries[key] = entry
                folded[key.lowercased()] = key
            }
            p += 46 + Int(nameLength) + Int(extraLength) + Int(commentLength)
        }
    }

    func contains(_ path: String) -> Bool { lookup(path) != nil }

    private func lookup(_ path: String) -> Entry? {
        if let entry = entries[path] { return entry }
        return folded[path.lowercased()].flatMap { entries[$0] }
    }

    /// The uncompressed bytes of an entry, refused when they would exceed `entryLimit`.
    func contents(of path: String) throws(SheetFileError) -> Data {
        let limit = entryLimit
        let corrupt = SheetFileError("无法读取 XLSX 文件:\(path) 已损坏")
        guard let entry = lookup(path) else { throw SheetFileError("无法读取 XLSX 文件:缺少 \(path)") }
        guard entry.flags & 1 == 0 else { throw SheetFileError("无法读取 XLSX 文件:文件已加密") }
        guard entry.uncompressedSize <= UInt64(limit) else {
            throw SheetFileError("无法读取 XLSX 文件:\(path) 解压后超过 \(limit / 1024 / 1024) MB")
        }
        let bytes = Bytes(data: data)
        guard let header = Int(exactly: entry.localHeaderOffset), bytes.u32(header) == 0x0403_4B50,
              let nameLength = bytes.u16(header + 26), let extraLength = bytes.u16(header + 28),
              let size = Int(exactly: entry.compressedSize),
              let compressed = bytes.slice(header + 30 + Int(nameLength) + Int(extraLength), size)
        else { throw corrupt }

        switch entry.method {
        case 0:
            guard compressed.count <= limit else { throw corrupt }
            let stored = Data(compressed)
            guard stored.crc32(checksum: 0) == entry.crc32 else { throw corrupt }
            return stored
        case 8:
            return try inflate(compressed, entry: entry, limit: limit, corrupt: corrupt, path: path)
        default:
            throw SheetFileError("无法读取 XLSX 文件:\(path) 的压缩方式不受支持")
        }
    }

    private func inflate(_ compressed: Data, entry: Entry, limit: Int, corrupt: SheetFileError,
                         path: String) throws(SheetFileError) -> Data {
        struct TooLarge: Error {}
        struct PastEnd: Error {}
        let chunkSize = 64 * 1024
        var output = Data()
        do {
            // ZIPFoundation's inflate loop always offers zlib a full chunk and asks for more until
            // the stream ends: give it full chunks (zero bytes after the entry, which inflate
            // rejects or ends on) and refuse a second chunk beyond the entry.
            let checksum = try Data.decompress(
                size: Int64(compressed.count), bufferSize: chunkSize, skipCRC32: false,
                provider: { position, size in
                    let start = Int(position)
                    guard start < compressed.count + size else { throw PastEnd() }
                    var chunk = Data(count: size)
                    if start < compressed.count {
                        let base = compressed.startIndex
                        let end = min(start + size, compressed.count)
                        chunk.replaceSubrange(0..<(end - start), with: compressed[(base + start)..<(base + end)])
                    }
                    return chunk
                },
                consumer: { piece in
                    guard output.count + piece.count <= limit else { throw TooLarge() }
                    output.append(piece)
                })
            guard checksum == entry.crc32 else { throw corrupt }
        } catch is TooLarge {
            throw SheetFileError("无法读取 XLSX 文件:\(path) 解压后超过 \(limit / 1024 / 1024) MB")
        } catch {
            throw corrupt
        }
        return output
    }

    /// Little-endian integers at offsets into the file; nil past its end.
    private struct Bytes {
        let data: Data

        func slice(_ offset: Int, _ count: Int) -> Data? {
            guard offset >= 0, count >= 0, offset <= data.count, count <= data.count - offset else { return nil }
            let base = data.startIndex
            return data[(base + offset)..<(base + offset + count)]
        }

        private func value<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T? {
            guard let bytes = slice(offset, MemoryLayout<T>.size) else { return nil }
            var v: T = 0
            for (i, b) in bytes.enumerated() { v |= T(b) << (8 * i) }
            return v
        }

        func u16(_ offset: Int) -> UInt16? { value(offset, UInt16.self) }
        func u32(_ offset: Int) -> UInt32? { value(offset, UInt32.self) }
        func u64(_ offset: Int) -> UInt64? { value(offset, UInt64.self) }
    }
}
