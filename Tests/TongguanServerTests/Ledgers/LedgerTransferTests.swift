import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Import and export of a ledger's sheet over the API (the CLI and the upload form call the
/// same `LedgerSheetImport.run`).
@Suite struct LedgerTransferTests {
    static let header = "区划代码,事项,数量,面积,金额,签订日期,是否拨付,类别,标签,所在村,牵头单位,联系人,联系人电话,身份证号,状态,截止日期,责任单位,责任人"
    static let rowA =
        "141124,危房改造,12,1.5,1234.56,2024-01-05,是,教育,长期、重点,141124100201,临县住建局,李四,139 1234 5678,11010519491231002x,进行中,2024-03-01,临县民政局,王建国"
    static let rowB = "141123,道路硬化,3,,100,,否,产业,,,,,,,待办,,,"

    static func csv(_ rows: String...) -> String { ([header] + rows).joined(separator: "\r\n") + "\r\n" }

    func post(_ t: TestApp, _ token: String, _ body: Data, query: String = "") async throws -> TestingHTTPResponse {
        try await t.importFile("/api/v1/ledgers/assistance/import\(query)", body, token: token)
    }

    func items(_ t: TestApp, _ token: String, _ query: String = "") async throws -> [[String: Any]] {
        let res = try await t.request(.GET, "/api/v1/ledgers/assistance/items?per=100&\(query)", token: token)
        try #require(res.status == .ok, "\(res.body.string)")
        return try res.json()["items"] as? [[String: Any]] ?? []
    }

    func itemCount(_ t: TestApp) async throws -> Int { try await LedgerItemRecord.query(on: t.db).count() }

    func auditCount(_ t: TestApp) async throws -> Int {
        struct Row: Decodable { var c: Int }
        return try await t.sql.raw("SELECT COUNT(*) AS c FROM audit_events").first(decoding: Row.self)?.c ?? -1
    }

    @Test func importCreatesItemsInTheirAPIFormsAndReimportChangesNothing() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let file = Data(Self.csv(Self.rowA, Self.rowB).utf8)
            let res = try await post(t, token, file)
            #expect(res.status == .ok, "\(res.body.string)")
            let report = try res.json()
            #expect(report["applied"] as? Bool == true)
            #expect(report["created"] as? Int == 2)
            let a = try #require(try await items(t, token, "q=危房").first)
            let values = try #require(a["values"] as? [String: Any])
            #expect(values["amount"] as? Int == 123_456)
            #expect(values["area"] as? String == "1.5")
            #expect(values["funded"] as? Bool == true)
            #expect(values["tags"] as? [String] == ["重点", "长期"])
            #expect((values["contact"] as? [String: Any])?["phone"] as? String == "13912345678")
            #expect(values["id_number"] as? String == "110105********002X")
            #expect(a["state"] as? String == "in_progress")
            #expect(a["due_date"] as? String == "2024-03-01")
            #expect(a["owner_unit"] as? String == "临县民政局")
            let b = try #require(try await items(t, token, "q=道路").first)
            #expect(b["state"] as? String == "todo")
            #expect(b["division_code"] as? String == "141123")

            // The tallies the aggregates read were kept up to date by the import.
            let sum = try await t.request(.GET, "/api/v1/ledgers/assistance/aggregate?measure=sum:amount", token: token)
            #expect((try sum.json()["rows"] as? [[String: Any]])?.first?["value"] as? Int == 133_456, "\(sum.body.string)")

            // The same file again: nothing changes, no new version, no audit entry.
            let auditBefore = try await auditCount(t)
            let again = try await post(t, token, file)
            #expect(again.status == .ok, "\(again.body.string)")
            #expect(try again.json()["unchanged"] as? Int == 2)
            #expect(try again.json()["created"] as? Int == 0)
            #expect(try again.json()["updated"] as? Int == 0)
            #expect(try await itemCount(t) == 2)
            #expect(try await auditCount(t) == auditBefore)

            // A changed cell updates the item it matches by the unique field.
            let changed = try await post(t, token, Data(Self.csv(Self.rowA.replacingOccurrences(of: ",12,", with: ",13,"), Self.rowB).utf8))
            #expect(try changed.json()["updated"] as? Int == 1)
            #expect(try changed.json()["unchanged"] as? Int == 1)
            let updated = try #require(try await items(t, token, "q=危房").first)
            #expect((updated["values"] as? [String: Any])?["count"] as? Int == 13)
            #expect(updated["version"] as? Int == 2)
        }
    }

    /// Export, then import the file back: every format, resident IDs (and persons) masked in
    /// the file and matched back to the stored values.
    @Test(arguments: ["format=csv", "format=csv&encoding=gb18030", "format=xlsx"])
    func exportedFilesImportBackUnchanged(query: String) async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            #expect(try await post(t, token, Data(Self.csv(Self.rowA, Self.rowB).utf8)).status == .ok)
            let res = try await t.request(.GET, "/api/v1/ledgers/assistance/export?\(query)", token: token)
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(res.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let file = Data(buffer: res.body)
            let rows = try SheetFile.read(file)
            #expect(PersonalSheet.isNotice(rows[0].cells.map(\.text)))
            #expect(rows[1].cells.map(\.text) == Self.header.components(separatedBy: ","))
            #expect(rows.count == 4)
            let texts = rows.flatMap { $0.cells.map(\.text) }
            #expect(texts.contains("110105********002X"))
            #expect(!texts.contains { $0.contains("10519491231002") })
            #expect(texts.contains("1234.56"))
            #expect(texts.contains("重点、长期"))
            #expect(texts.contains("进行中"))
            if query.contains("gb18030") { #expect(String(data: file, encoding: .utf8) == nil) }

            let back = try await post(t, token, file)
            #expect(back.status == .ok, "\(back.body.string)")
            #expect(try back.json()["unchanged"] as? Int == 2)
            #expect(try await itemCount(t) == 2)
        }
    }

    @Test func aBadFileIs422WithEveryRowAndWritesNothing() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let file = Self.csv(
                Self.rowA.replacingOccurrences(of: ",12,", with: ",x,"),
                Self.rowB.replacingOccurrences(of: "141123,", with: "999999,"),
                Self.rowB.replacingOccurrences(of: "141123,", with: "141122,").replacingOccurrences(of: "否,产业", with: "也许,医疗"),
                Self.rowB)
            let res = try await post(t, token, Data(file.utf8))
            #expect(res.status == .unprocessableEntity)
            #expect(res.isProblem)
            let rows = try #require(try res.json()["rows"] as? [[String: Any]])
            let found = rows.map { "\($0["row"] as? Int ?? 0) \($0["column"] as? String ?? "")" }
            #expect(found == ["2 数量", "3 区划代码", "4 是否拨付", "4 类别"], "\(rows)")
            #expect(rows.allSatisfy { ($0["message"] as? String ?? "").isEmpty == false })
            #expect(!res.body.string.contains("10519491231002"))
            #expect(try await itemCount(t) == 0)

            // Rows that repeat a unique value within the file.
            let dup = try await post(t, token, Data(Self.csv(Self.rowB, Self.rowB).utf8))
            #expect(dup.status == .unprocessableEntity)
            let dupRows = try #require(try dup.json()["rows"] as? [[String: Any]])
            #expect(dupRows.map { $0["row"] as? Int } == [3])
            #expect(dupRows.first?["column"] as? String == "事项")
            #expect(dupRows.first?["message"] as? String == "与第2行相同,该字段的值不能重复")

            // A header without a column the ledger needs.
            let noHeader = try await post(t, token, Data("区划代码,事项\n141124,甲\n".utf8))
            #expect(noHeader.status == .unprocessableEntity)
            let headerRows = try #require(try noHeader.json()["rows"] as? [[String: Any]])
            #expect(headerRows.contains { $0["row"] as? Int == 1 && $0["column"] as? String == "数量" && $0["message"] as? String == "表头缺少此列" })
            #expect(try await itemCount(t) == 0)
        }
    }

    @Test func aDryRunChecksEverythingAndWritesNothing() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let res = try await post(t, token, Data(Self.csv(Self.rowA, Self.rowB).utf8), query: "?dry_run=true")
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(try res.json()["applied"] as? Bool == false)
            #expect(try res.json()["dry_run"] as? Bool == true)
            #expect(try res.json()["created"] as? Int == 2)
            #expect(try await itemCount(t) == 0)
            struct Row: Decodable { var c: Int }
            for table in ["ledger_values", "ledger_unique", "ledger_item_events"] {
                #expect(try await t.sql.raw("SELECT COUNT(*) AS c FROM \(ident: table)").first(decoding: Row.self)?.c == 0, "\(table)")
            }
        }
    }

    /// More rows than one INSERT carries: every batch lands, and the tallies count them all.
    @Test func aLargeFileIsWrittenInBatches() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let n = LedgerItemWriter.batch * 2 + 7
            let rows = (0..<n).map { "141124,事项\($0),\($0),,1,,是,\(["产业", "就业", "教育"][$0 % 3]),,,,,,,,,," }
            let res = try await post(t, token, Data(([Self.header] + rows).joined(separator: "\n").utf8))
            #expect(res.status == .ok, "\(res.body.string.prefix(300))")
            #expect(try res.json()["created"] as? Int == n)
            #expect(try await itemCount(t) == n)
            let grouped = try await t.request(.GET, "/api/v1/ledgers/assistance/aggregate?measure=sum:count&group_by=kind", token: token)
            let byKind = (try grouped.json()["rows"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
                $0[$1["group"] as? String ?? ""] = $1["value"] as? Int
            }
            for (i, kind) in ["产业", "就业", "教育"].enumerated() {
                let expected = (0..<n).filter { $0 % 3 == i }.reduce(0, +)
                #expect(byKind[kind] == expected, "\(kind): \(grouped.body.string)")
            }
            // Every item got its creation event and its own sequence number.
            struct Row: Decodable { var c: Int }
            let events = try await t.sql.raw("SELECT COUNT(DISTINCT item_seq) AS c FROM ledger_item_events").first(decoding: Row.self)?.c
            #expect(events == n)
        }
    }

    @Test func aCountyOperatorImportsAndExportsOnlyItsCounty() async throws {
        try await TestApp.with { t in
            let admin = try await LedgerSamples.define(t)
            #expect(try await post(t, admin, Data(Self.csv(Self.rowA, Self.rowB).utf8)).status == .ok)
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let lin = try await t.token("lin.op")

            let export = try await t.request(.GET, "/api/v1/ledgers/assistance/export", token: lin)
            let rows = try SheetFile.read(Data(buffer: export.body)).dropFirst(2)
            #expect(rows.map { $0.cells[0].text } == ["141124"])

            // Another county's division.
            let outside = try await post(t, lin, Data(Self.csv(Self.rowB.replacingOccurrences(of: "道路硬化", with: "新事项")).utf8))
            #expect(outside.status == .unprocessableEntity)
            let outsideRows = try #require(try outside.json()["rows"] as? [[String: Any]])
            #expect(outsideRows.map { "\($0["row"] as? Int ?? 0) \($0["column"] as? String ?? "")" } == ["2 区划代码"])
            // A row of its own county whose unique value is another county's item's.
            let taken = try await post(t, lin, Data(Self.csv(Self.rowB.replacingOccurrences(of: "141123,", with: "141124,")).utf8))
            #expect(taken.status == .unprocessableEntity)
            let takenRows = try #require(try taken.json()["rows"] as? [[String: Any]])
            #expect(takenRows.first?["message"] as? String == "与管辖范围外的已有记录重复(唯一字段的值相同)", "\(takenRows)")
            #expect(try await itemCount(t) == 2)

            // A viewer may export but not import.
            try await t.createUser("lin.view", role: .viewer, division: "141124")
            let viewer = try await t.token("lin.view")
            #expect(try await post(t, viewer, Data(Self.csv(Self.rowA).utf8)).status == .forbidden)
        }
    }

    @Test func theTemplateHasTheHeaderAndAnExplanationSheet() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let res = try await t.request(.GET, "/api/v1/ledgers/assistance/template", token: token)
            #expect(res.status == .ok)
            let file = Data(buffer: res.body)
            let rows = try SheetFile.read(file)
            #expect(rows.map { $0.cells.map(\.text) } == [Self.header.components(separatedBy: ",")])
            let zip = try ZipDirectory(file, entryLimit: 1 << 20)
            let explanation = String(decoding: try zip.contents(of: "xl/worksheets/sheet2.xml"), as: UTF8.self)
            for text in ["类别", "产业", "就业", "教育", "是否拨付", "联系人电话"] {
                #expect(explanation.contains(text), "\(text)")
            }
            let workbook = String(decoding: try zip.contents(of: "xl/workbook.xml"), as: UTF8.self)
            #expect(workbook.contains(LedgerSheet.explanationSheetName))
            #expect(try await t.request(.GET, "/api/v1/ledgers/nope/template", token: token).status == .notFound)
        }
    }
}
