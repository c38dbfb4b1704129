import Foundation
import Testing
import TongguanDomain
import ZIPFoundation

@testable import TongguanServer

@Suite("Spreadsheet files: CSV (UTF-8 / GB18030) and XLSX")
struct SheetFileTests {
    // MARK: CSV

    @Test func csvUTF8WithBOMAndCRLF() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("项目名称,金额\r\n甲厂,\"1,836.1\"\r\n\r\n".utf8)
        let rows = try SheetFile.read(data)
        #expect(
            rows == [
                SheetRow(line: 1, cells: [.text("项目名称"), .text("金额")]),
                SheetRow(line: 2, cells: [.text("甲厂"), .text("1,836.1")]),
            ])
    }

    @Test func csvUTF8WithoutBOM() throws {
        let rows = try SheetFile.read(Data("名称,备注\n乙,\"两行\n备注\"\n丙,x\n".utf8))
        #expect(rows.map(\.line) == [1, 2, 4])
        #expect(rows[1].cells == [.text("乙"), .text("两行\n备注")])
        #expect(rows[2].cells == [.text("丙"), .text("x")])
    }

    @Test func csvGB18030FromOurEncoder() throws {
        let text = "项目名称,投资方,金额\r\n新能源电池项目,某某科技有限公司,1836.1\r\n€ 𠀀,\"引号\"\"内\",\r\n"
        let bytes = try #require(TextEncoding.encodeGB18030(text))
        #expect(String(data: bytes, encoding: .utf8) == nil)  // really not UTF-8
        #expect(TextEncoding.decodeGB18030(bytes) == text)
        let rows = try SheetFile.read(bytes)
        #expect(rows.count == 3)
        #expect(rows[0].cells.map(\.text) == ["项目名称", "投资方", "金额"])
        #expect(rows[1].cells == [.text("新能源电池项目"), .text("某某科技有限公司"), .text("1836.1")])
        #expect(rows[2].cells == [.text("€ 𠀀"), .text("引号\"内"), .text("")])
    }

    @Test func csvGBKBytesAsExcelSavesThem() throws {
        // "项目名称" in GBK (= GB18030 for these characters), checked with `iconv -t gbk`.
        let gbk = Data([0xCF, 0xEE, 0xC4, 0xBF, 0xC3, 0xFB, 0xB3, 0xC6])
        #expect(TextEncoding.decodeGB18030(gbk) == "项目名称")
        #expect(TextEncoding.encodeGB18030("项目名称") == gbk)
        let rows = try SheetFile.read(gbk + Data(",a\r\n".utf8) + gbk + Data(",b\r\n".utf8))
        #expect(
            rows == [
                SheetRow(line: 1, cells: [.text("项目名称"), .text("a")]),
                SheetRow(line: 2, cells: [.text("项目名称"), .text("b")]),
            ])
    }

    @Test func gb18030OfLongTextGrowsTheBuffer() throws {
        // Mostly ASCII input: the first output buffer (twice the input) is ample; mostly
        // 4-byte GB18030 characters from 3- and 4-byte UTF-8 ones still round-trip.
        let text = String(repeating: "𠀀€项a", count: 20_000)
        let bytes = try #require(TextEncoding.encodeGB18030(text))
        #expect(TextEncoding.decodeGB18030(bytes) == text)
        #expect(TextEncoding.decodeGB18030(Data()) == "")
    }

    @Test func csvWriteUTF8HasBOMAndCRLF() throws {
        let data = try SheetFile.write([["名称", "备注"], ["a,b", "x\"y"], [""]], format: .csv)
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: data.dropFirst(3), as: UTF8.self) == "名称,备注\r\n\"a,b\",\"x\"\"y\"\r\n\"\"\r\n")
        let rows = try SheetFile.read(data)
        #expect(rows.map { $0.cells } == [[.text("名称"), .text("备注")], [.text("a,b"), .text("x\"y")], [.text("")]])
    }

    @Test func csvWriteGB18030ReadsBack() throws {
        let table = [["项目名称", "金额(万元)"], ["绿色建材产业园", "1836.1"], ["多行\r\n备注", ""]]
        let data = try SheetFile.write(table, format: .csv, encoding: .gb18030)
        #expect(data.starts(with: [0xCF, 0xEE, 0xC4, 0xBF]))  // 项目, no BOM
        let rows = try SheetFile.read(data)
        #expect(rows.map { $0.cells } == table.map { $0.map(SheetCell.text) })
        #expect(rows.map(\.line) == [1, 2, 3])
    }

    @Test func csvUnterminatedQuote() {
        let error = #expect(throws: SheetFileError.self) {
            try SheetFile.read(Data("a,b\r\nc,d\r\n\"e,f\r\n".utf8))
        }
        #expect(error?.message == "CSV 第3行引号未闭合")
    }

    @Test(arguments: [
        Data([0x61, 0x2C, 0xFF, 0xFF, 0x80, 0x0D, 0x0A]),  // 0xFF and 0x80 start no GB18030 character
        Data([0xFF, 0xFE, 0x61, 0x00, 0x2C, 0x00, 0x62, 0x00]),  // UTF-16 text
        Data([0x61, 0x00, 0x62]),  // valid UTF-8, but a NUL: a binary file
        Data([0xD3, 0xEE, 0x81]),  // GBK cut off in the middle of a character
    ])
    func csvGarbageIsRefused(_ data: Data) {
        let error = #expect(throws: SheetFileError.self) { try SheetFile.read(data) }
        #expect(error?.message == "文件编码无法识别(应为 UTF-8 或 GB18030)")
    }

    @Test func legacyXLSIsNamed() {
        let ole = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + Data(count: 512)
        let error = #expect(throws: SheetFileError.self) { try SheetFile.read(ole) }
        #expect(error?.message.contains(".xls") == true)
    }

    // MARK: XLSX written by us

    @Test func xlsxRoundTrip() throws {
        let table: [[String]] = [
            ["项目名称", "投资方", "金额(万元)", "备注"],
            ["绿色建材产业园", "A & B <公司> \"甲\" 'x'", "1836.1", " 前后空格 "],
            ["多行\r\n备注", "", "0012", "line1\nline2\ttab"],
            ["literal _x0041_ and _x005F_", "😀 𠀀", "=SUM(A1)"],
            ["only one"],
        ]
        let data = try SheetFile.write(table, format: .xlsx)
        #expect(data.starts(with: Array("PK\u{3}\u{4}".utf8)))
        let rows = try SheetFile.read(data)
        #expect(rows.map(\.line) == [1, 2, 3, 4, 5])
        #expect(rows.map(\.cells) == table.map { $0.map(SheetCell.text) })
        // Same rows, same bytes: no clock in the file.
        #expect(try SheetFile.write(table, format: .xlsx) == data)
    }

    @Test func xlsxWriterStripsControlCharactersAndNamesTheSheet() throws {
        let data = try SheetFile.write([["a\u{1}b\u{7}c\u{1B}", "d"]], format: .xlsx, sheetName: "项目/清单[1]")
        #expect(try SheetFile.read(data).map(\.cells) == [[.text("abc"), .text("d")]])
        let zip = try ZipDirectory(data, entryLimit: 1 << 20)
        let workbook = String(decoding: try zip.contents(of: "xl/workbook.xml"), as: UTF8.self)
        #expect(workbook.contains(#"<sheet name="项目清单1" sheetId="1" r:id="rId1"/>"#))
        let sheet = String(decoding: try zip.contents(of: "xl/worksheets/sheet1.xml"), as: UTF8.self)
        #expect(sheet.contains(#"<dimension ref="A1:B1"/>"#))
        #expect(sheet.contains(#"<c r="A1" t="inlineStr"><is><t>abc</t></is></c>"#))
    }

    @Test func xlsxEmptyWorkbook() throws {
        let data = try SheetFile.write([], format: .xlsx)
        #expect(try SheetFile.read(data) == [])
    }

    @Test func columnLetters() {
        let cases: [(Int, String)] = [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA"), (16_383, "XFD")]
        for (index, letters) in cases {
            #expect(CellReference.letters(index) == letters)
            #expect(CellReference.column(Substring(letters + "7")) == index)
        }
        #expect(CellReference.column("$C$7") == 2)
        #expect(CellReference.column("XFE1") == nil)
        #expect(CellReference.column("17") == nil)
    }

    @Test func relationshipTargets() {
        #expect(XLSXReader.resolve("worksheets/sheet1.xml", from: "xl/workbook.xml") == "xl/worksheets/sheet1.xml")
        #expect(XLSXReader.resolve("/xl/worksheets/sheet1.xml", from: "xl/workbook.xml") == "xl/worksheets/sheet1.xml")
        #expect(XLSXReader.resolve("../xl/./sharedStrings.xml", from: "xl/workbook.xml") == "xl/sharedStrings.xml")
        #expect(XLSXReader.resolve("xl/workbook.xml", from: "") == "xl/workbook.xml")
    }

    // MARK: XLSX as Excel writes it (hand-written parts, zipped here)

    @Test func xlsxAsExcelWritesIt() throws {
        let rows = try SheetFile.read(try Self.zip(Self.excelParts))
        #expect(
            rows == [
                SheetRow(line: 1, cells: [.text("项目名称"), .text("开工日期"), .text("金额"), .text("备注")]),
                // B2 skipped; C2 a date serial; E2 an inline string.
                SheetRow(line: 2, cells: [.text("甲 & 乙"), .text(""), .number("44393"), .text(" 富文本 "), .text("行内")]),
                // Row 3 is all styled blanks; row 4 is all empty strings; both are dropped.
                SheetRow(line: 5, cells: [.text(""), .number("1836.1000000000001"), .number("1.8361E+3"), .text("TRUE"), .text("FALSE")]),
                SheetRow(line: 7, cells: [.text("公式结果"), .text("#N/A"), .number("-0.5"), .text("a\rb_x0041_")]),
            ])
        let serial = try #require(DecimalText.integer(rows[1].cells[2].text))
        #expect(CivilDate(excelSerial: serial) == CivilDate(year: 2021, month: 7, day: 16))
        #expect(rows[2].cells[1].text == "1836.1")
        #expect(rows[2].cells[2].text == "1836.1")
    }

    @Test func xlsxWithPrefixedNamespacesAndStoredEntries() throws {
        // Some generators write `x:` prefixed elements and leave entries uncompressed.
        let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let parts = [
            (
                "xl/workbook.xml",
                #"<x:workbook xmlns:x="\#(ns)" xmlns:rel="\#(rel)"><x:sheets><x:sheet name="S" sheetId="7" rel:id="R9"/></x:sheets></x:workbook>"#
            ),
            (
                "xl/_rels/workbook.xml.rels",
                #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="R9" Type="\#(rel)/worksheet" Target="sheets/data.xml"/></Relationships>"#
            ),
            (
                "xl/sheets/data.xml",
                #"<x:worksheet xmlns:x="\#(ns)"><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>名称</x:t></x:is></x:c><x:c><x:v>12</x:v></x:c></x:row><x:row><x:c t="str"><x:v><![CDATA[b<&]]></x:v></x:c></x:row></x:sheetData></x:worksheet>"#
            ),
        ]
        let rows = try SheetFile.read(try Self.zip(parts, method: .none))
        #expect(
            rows == [
                SheetRow(line: 1, cells: [.text("名称"), .number("12")]),
                SheetRow(line: 2, cells: [.text("b<&")]),
            ])
    }

    @Test func sheetPartOverTenMegabytes() throws {
        // libxml2 refuses a single push of more than 10 MB, which is what `XMLParser(data:)`
        // does on Linux; the reader must feed the parser in chunks. (Comments make the part
        // big without making the test slow.)
        let comment = "<!--" + String(repeating: "x", count: 1_000) + "-->"
        let sheet = Self.worksheet(
            #"<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>"#
                + String(repeating: comment, count: 11_000) + #"<row r="2"><c r="A2"><v>2</v></c></row>"#)
        let parts = Self.excelParts.map { $0.0 == "xl/worksheets/sheet2.xml" ? ($0.0, sheet) : $0 }
        let rows = try SheetFile.read(try Self.zip(parts))
        #expect(rows == [SheetRow(line: 1, cells: [.text("a")]), SheetRow(line: 2, cells: [.number("2")])])
    }

    // MARK: Broken and hostile XLSX

    @Test func randomBytesAfterZipSignature() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 10, 100, 5_000] {
            let data = Data(SheetFile.zipSignature) + Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            #expect(throws: SheetFileError.self) { try SheetFile.read(data) }
        }
    }

    @Test func truncatedAndFlippedXLSX() throws {
        let good = try SheetFile.write([["a", "b"], ["c", "d"]], format: .xlsx)
        for cut in stride(from: 4, to: good.count, by: 97) {
            #expect(throws: SheetFileError.self) { try SheetFile.read(good.prefix(cut)) }
        }
        // Damage the compressed bytes of every entry in turn: an error (or, rarely, other
        // rows), never a crash or a hang.
        for offset in stride(from: 60, to: good.count - 200, by: 13) {
            var bad = good
            bad[offset] ^= 0x5A
            _ = try? SheetFile.read(bad)
        }
    }

    @Test func missingWorkbookIsNamed() throws {
        let data = try Self.zip([("hello.txt", "hi")])
        let error = #expect(throws: SheetFileError.self) { try SheetFile.read(data) }
        #expect(error?.message == "无法读取 XLSX 文件:缺少 xl/workbook.xml")
    }

    @Test func deflateStreamThatNeverEndsIsRefused() throws {
        // A stored deflate block that is not marked final: the stream wants more input than
        // the entry holds. ZIPFoundation's own reader loops forever on this.
        let notFinal = Data([0x00, 0x05, 0x00, 0xFA, 0xFF]) + Data("hello".utf8)
        var parts = Self.excelParts.map { ($0.0, Data($0.1.utf8)) }
        parts[parts.firstIndex { $0.0 == "xl/sharedStrings.xml" }!].1 = notFinal
        var data = try Self.zip(data: parts, method: .none)
        try Self.patch(&data, entry: "xl/sharedStrings.xml", method: 8)
        let error = #expect(throws: SheetFileError.self) { try SheetFile.read(data) }
        #expect(error?.message == "无法读取 XLSX 文件:xl/sharedStrings.xml 已损坏")
    }

    @Test func zipBombIsRefused() throws {
        let big = String(repeating: "<!-- padding -->", count: 4_096)  // 64 KB, deflates to little
        var parts = Self.excelParts
        parts[parts.firstIndex { $0.0 == "xl/sharedStrings.xml" }!].1 = Self.excelParts.first { $0.0 == "xl/sharedStrings.xml" }!.1 + big
        var data = try Self.zip(parts)
        let limits = XLSXReader.Limits(entryBytes: 32 * 1024)
        // Declared size over the limit.
        var error = #expect(throws: SheetFileError.self) { try XLSXReader.read(data, limits: limits) }
        #expect(error?.message.contains("xl/sharedStrings.xml 解压后超过") == true)
        // Declared size a lie: inflating stops at the limit all the same.
        try Self.patch(&data, entry: "xl/sharedStrings.xml", uncompressedSize: 100)
        error = #expect(throws: SheetFileError.self) { try XLSXReader.read(data, limits: limits) }
        #expect(error?.message.contains("xl/sharedStrings.xml 解压后超过") == true)
        // And within the limit the file reads.
        #expect(try XLSXReader.read(data, limits: XLSXReader.Limits(entryBytes: 1 << 20)).count == 4)
    }

    @Test func rowAndCellLimits() throws {
        let data = try Self.zip(Self.excelParts)
        var error = #expect(throws: SheetFileError.self) { try XLSXReader.read(data, limits: XLSXReader.Limits(rows: 5)) }
        #expect(error?.message == "表格行数超过上限(5 行)")
        error = #expect(throws: SheetFileError.self) { try XLSXReader.read(data, limits: XLSXReader.Limits(cells: 12)) }
        #expect(error?.message == "表格单元格数超过上限(12 个)")
        // One cell far out is 16,384 cells once the gap is filled.
        let far = Self.excelParts.map { part in
            part.0 == "xl/worksheets/sheet2.xml"
                ? (part.0, Self.worksheet(#"<row r="1"><c r="XFD1"><v>1</v></c></row>"#)) : part
        }
        error = #expect(throws: SheetFileError.self) {
            try XLSXReader.read(try Self.zip(far), limits: XLSXReader.Limits(cells: 10_000))
        }
        #expect(error?.message == "表格单元格数超过上限(10000 个)")
        let rows = try XLSXReader.read(try Self.zip(far))
        #expect(rows.first?.cells.count == 16_384)
        #expect(rows.first?.cells.last == .number("1"))
    }

    @Test func badSharedStringIndex() throws {
        let parts = Self.excelParts.map { part in
            part.0 == "xl/worksheets/sheet2.xml"
                ? (part.0, Self.worksheet(#"<row r="3"><c r="B3" t="s"><v>99</v></c></row>"#)) : part
        }
        let error = #expect(throws: SheetFileError.self) { try SheetFile.read(try Self.zip(parts)) }
        #expect(error?.message == "无法读取 XLSX 文件:单元格 B3 的共享字符串编号「99」无效")
    }

    // MARK: openpyxl, the reference reader and writer

    @Test(.enabled(if: SheetFileTests.openpyxlAvailable || SheetFileTests.ci, "python3 with openpyxl is not installed (pip install openpyxl)"))
    func openpyxlReadsOurXLSX() throws {
        guard Self.openpyxlReady() else { return }
        let table: [[String]] = [
            ["项目名称", "金额(万元)", "备注"],
            ["A & B <公司> \"甲\"", "1836.1", " 前后空格 "],
            ["多行\r\n备注", "", "😀"],
            ["short"],
        ]
        let url = Self.temporaryFile("xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try SheetFile.write(table, format: .xlsx, sheetName: "项目").write(to: url)
        let script = """
            import json, sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            ws = wb.worksheets[0]
            rows = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
            print(json.dumps({"title": ws.title, "rows": rows}, ensure_ascii=False))
            """
        let output = try Self.python(script, url.path)
        struct Result: Decodable { var title: String; var rows: [[String]] }
        let result = try JSONDecoder().decode(Result.self, from: Data(output.utf8))
        #expect(result.title == "项目")
        // openpyxl pads every row to the widest one.
        let padded = table.map { $0 + Array(repeating: "", count: 3 - $0.count) }
        #expect(result.rows == padded)
    }

    @Test(.enabled(if: SheetFileTests.openpyxlAvailable || SheetFileTests.ci, "python3 with openpyxl is not installed (pip install openpyxl)"))
    func weReadOpenpyxlsXLSX() throws {
        guard Self.openpyxlReady() else { return }
        let url = Self.temporaryFile("xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
            import datetime, sys, openpyxl
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "项目"
            ws.append(["名称", "数量", "金额", "日期", "是否"])
            ws.append(["甲 & 乙", 42, 1836.1, datetime.date(2021, 7, 16), True])
            ws.append([])
            ws.append([None, None, 0.1 + 0.2, 1e20, "=1+1"])
            wb.save(sys.argv[1])
            """
        _ = try Self.python(script, url.path)
        let rows = try SheetFile.read(try Data(contentsOf: url))
        #expect(rows.count == 3)
        #expect(rows[0] == SheetRow(line: 1, cells: ["名称", "数量", "金额", "日期", "是否"].map(SheetCell.text)))
        #expect(rows[1] == SheetRow(line: 2, cells: [.text("甲 & 乙"), .number("42"), .number("1836.1"), .number("44393"), .text("TRUE")]))
        // openpyxl writes floats to 16 significant digits ("%.16g": 0.1 + 0.2 is "0.3", 1e20
        // is "1e+20"); a formula it cannot compute has no cached value: an empty cell.
        #expect(rows[2] == SheetRow(line: 4, cells: [.text(""), .text(""), .number("0.3"), .number("1e+20"), .text("")]))
        #expect(rows[2].cells[3].text == "100000000000000000000")
        let serial = try #require(DecimalText.integer(rows[1].cells[3].text))
        #expect(CivilDate(excelSerial: serial) == CivilDate(year: 2021, month: 7, day: 16))
    }

    static let ci = ProcessInfo.processInfo.environment["CI"] == "true"
    static let openpyxlAvailable = (try? python("import openpyxl")) != nil

    /// Without openpyxl these tests are skipped (the trait), except with CI=true, where they
    /// run and fail here.
    static func openpyxlReady() -> Bool {
        if !openpyxlAvailable {
            Issue.record("CI=true but python3 cannot import openpyxl: add openpyxl to the pip install line of scripts/test")
        }
        return openpyxlAvailable
    }

    struct PythonFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a python3 script with arguments; its standard output, or an error with its stderr.
    @discardableResult
    static func python(_ script: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe()
        let errURL = temporaryFile("stderr")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let err = try FileHandle(forWritingTo: errURL)
        defer { try? err.close() }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw PythonFailed(description: "python3 exited \(process.terminationStatus): " + message)
        }
        return String(decoding: outData, as: UTF8.self)
    }

    static func temporaryFile(_ ext: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sheetfile-\(UUID().uuidString).\(ext)")
    }

    // MARK: Fixtures

    static func worksheet(_ sheetData: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
            + sheetData + "</sheetData></worksheet>"
    }

    /// A workbook as Excel writes it: the first sheet in workbook order is sheet2.xml (named
    /// by an absolute target), shared strings with rich text and phonetic runs, styles.
    static let excelParts: [(String, String)] = [
        (
            "[Content_Types].xml",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#
        ),
        (
            "_rels/.rels",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        ),
        (
            "xl/workbook.xml",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView activeTab="1"/></bookViews><sheets><sheet name="项目" sheetId="2" r:id="rId5"/><sheet name="说明" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
        (
            "xl/_rels/workbook.xml.rels",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.com/" TargetMode="External"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
        ),
        (
            "xl/sharedStrings.xml",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="8" uniqueCount="8"><si><t>项目名称</t></si><si><t>开工日期</t></si><si><t>金额</t></si><si><t>备注</t></si><si><t>甲 &amp; 乙</t></si><si><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve"> 富</t></r><r><t>文本 </t></r><rPh sb="0" eb="1"><t>フ</t></rPh><phoneticPr fontId="1"/></si><si><t>公式结果</t></si><si><t></t></si></sst>"#
        ),
        (
            "xl/styles.xml",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="176" applyNumberFormat="1"/></cellXfs></styleSheet>"#
        ),
        ("xl/worksheets/sheet1.xml", worksheet(#"<row r="1"><c r="A1" t="inlineStr"><is><t>not the first sheet</t></is></c></row>"#)),
        (
            "xl/worksheets/sheet2.xml",
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:E7"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><cols><col min="1" max="1" width="20"/></cols><sheetData>"#
                + #"<row r="1" spans="1:4"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>"#
                + #"<row r="2" spans="1:5"><c r="A2" t="s"><v>4</v></c><c r="C2" s="1"><v>44393</v></c><c r="D2" t="s"><v>5</v></c><c r="E2" t="inlineStr"><is><t>行内</t></is></c></row>"#
                + #"<row r="3" spans="1:5"><c r="A3" s="1"/><c r="E3" s="1"/></row>"#
                + #"<row r="4"><c r="A4" t="s"><v>7</v></c><c r="B4" t="inlineStr"><is><t></t></is></c></row>"#
                + #"<row r="5"><c r="B5" s="0"><v>1836.1000000000001</v></c><c r="C5" t="n"><v>1.8361E+3</v></c><c r="D5" t="b"><v>1</v></c><c r="E5" t="b"><v>0</v></c></row>"#
                + #"<row r="7"><c r="A7" t="s"><v>6</v></c><c r="B7" t="e"><f>NA()</f><v>#N/A</v></c><c r="C7"><f>-1/2</f><v>-0.5</v></c><c r="D7" t="str"><f>"a"&amp;CHAR(13)&amp;"b"</f><v>a_x000D_b_x005F_x0041_</v></c></row>"#
                + #"</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#
        ),
    ]

    static func zip(_ parts: [(String, String)], method: CompressionMethod = .deflate) throws -> Data {
        try zip(data: parts.map { ($0.0, Data($0.1.utf8)) }, method: method)
    }

    static func zip(data parts: [(String, Data)], method: CompressionMethod = .deflate) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, bytes) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: method) { position, size in
                bytes.subdata(in: Int(position)..<min(Int(position) + size, bytes.count))
            }
        }
        return try #require(archive.data)
    }

    /// Rewrites fields of one entry in both its local header and its central directory record.
    static func patch(_ data: inout Data, entry name: String, method: UInt16? = nil, uncompressedSize: UInt32? = nil) throws {
        let bytes = [UInt8](data)
        let nameBytes = Array(name.utf8)
        func write16(_ v: UInt16, at i: Int) { data[i] = UInt8(v & 0xFF); data[i + 1] = UInt8(v >> 8) }
        func write32(_ v: UInt32, at i: Int) { for k in 0..<4 { data[i + k] = UInt8((v >> (8 * UInt32(k))) & 0xFF) } }
        var patched = 0
        for i in 0..<(bytes.count - 46) where bytes[i] == 0x50 && bytes[i + 1] == 0x4B {
            if bytes[i + 2] == 3, bytes[i + 3] == 4, Array(bytes[(i + 30)..<min(i + 30 + nameBytes.count, bytes.count)]) == nameBytes {
                if let method { write16(method, at: i + 8) }
                if let uncompressedSize { write32(uncompressedSize, at: i + 22) }
                patched += 1
            } else if bytes[i + 2] == 1, bytes[i + 3] == 2, Array(bytes[(i + 46)..<min(i + 46 + nameBytes.count, bytes.count)]) == nameBytes {
                if let method { write16(method, at: i + 10) }
                if let uncompressedSize { write32(uncompressedSize, at: i + 24) }
                patched += 1
            }
        }
        #expect(patched == 2, "entry \(name) should have a local header and a directory record")
    }
}
