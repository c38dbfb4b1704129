import Foundation
import TongguanDomain
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

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

        init(entryBytes: Int = 200 * 1024 * 1024, rows: Int = 1_000_000, cells: Int = 20_000_000) {
            self.entryBytes = entryBytes
            self.rows = rows
            self.cells = cells
        }

        /// An import's own bound on work (rows × columns) applies to XLSX as to CSV.
        init(sheet: SheetLimits) {
            cells = sheet.cells
        }
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
        // No spreadsheet program writes a DOCTYPE; one in an upload exists to declare
        // entities (XXE, billion laughs), which libxml2 would expand or silently drop.
        if xml.starts(with: [0xFF, 0xFE]) || xml.starts(with: [0xFE, 0xFF]) {
            throw SheetFileError("无法读取 XLSX 文件:\(path) 使用了不支持的 UTF-16 编码")
        }
        if xml.range(of: Data("<!DOCTYPE".utf8)) != nil || xml.range(of: Data("<!doctype".utf8)) != nil
            || xml.range(of: Data("<!ENTITY".utf8)) != nil
        {
            throw SheetFileError("无法读取 XLSX 文件:\(path) 含有 DOCTYPE 声明,出于安全原因不予读取;请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
        }
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
                    let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value)
                {
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

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes: [String: String] = [:]
    ) {}
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

    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes: [String: String] = [:]
    ) {
        guard elementName == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        // External links (hyperlinks) are not parts of the package.
        if attributes["TargetMode"] == "External" { return }
        relationships.append(.init(id: id, type: attributes["Type"] ?? "", target: target))
    }
}

final class WorkbookHandler: PartHandler {
    var firstSheetRelationship: String?

    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes: [String: String] = [:]
    ) {
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

    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes: [String: String] = [:]
    ) {
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
