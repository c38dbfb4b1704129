import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// `DivisionImport`: the statistics bureau's village list (CSV in UTF-8 or GB18030, XLSX),
/// all or nothing, with renames and possible merges reported; and its API.
@Suite struct DivisionImportTests {
    let cli = AuditActor(name: "cli:test", requestID: "cli-1", clientAddress: "local")
    let city = DivisionScope(DivisionCode("141100")!)

    /// Villages under 临泉镇 (141124100) and 白文镇 (141124101), loaded as the city would.
    func loadVillages(_ t: TestApp) async throws {
        let csv = """
            code,name
            141124100201,甲村
            141124100202,乙村
            141124100203,丙村
            141124101201,丁村
            141123100201,兴县一村
            """
        let report = try await DivisionImport.run(data: Data(csv.utf8), scope: city, actor: cli, on: t.db)
        try #require(report.applied && report.created == 5, "\(report.text)")
    }

    func divisionCount(_ t: TestApp) async throws -> Int { try await Division.query(on: t.db).count() }

    func auditCount(_ t: TestApp) async throws -> Int { try await t.sql.select().column("seq").from("audit_events").all().count }

    @Test func theBureausListInGB18030WithPaddedCodes() async throws {
        try await TestApp.with { t in
            let csv = "统计用区划代码,城乡分类代码,名称\r\n141124100000,,临泉镇\r\n141124100001,111,城内社区居民委员会\r\n141124100201,220,高家塔村委会\r\n"
            let data = try #require(TextEncoding.encodeGB18030(csv))
            #expect(String(data: data, encoding: .utf8) == nil, "the fixture must really be GB18030")
            let report = try await DivisionImport.run(data: data, scope: city, actor: cli, on: t.db)
            #expect(report.applied, "\(report.text)")
            #expect([report.rows, report.created, report.renamed, report.unchanged] as [Int] == [3, 2, 0, 1])
            let village = try #require(try await Division.find("141124100001", on: t.db))
            #expect(village.name == "城内社区居民委员会" && village.parentCode == "141124100" && village.level == .village)
            #expect(report.text.hasPrefix("导入完成:共 3 行,新增 2 个,改名 0 个,未变 1 个(新增村级 2 个)"))
        }
    }

    @Test func xlsxFromAnExportReimportsUnchanged() async throws {
        try await TestApp.with { t in
            let sheet = try SheetFile.write(
                [["区划代码", "名称"], ["141127101901", "岚城一村"], ["141127101902", "岚城二村"], ["141127", "岚县"]], format: .xlsx)
            let report = try await DivisionImport.run(data: sheet, scope: city, actor: cli, on: t.db)
            #expect(report.applied && report.created == 2 && report.unchanged == 1, "\(report.text)")
            #expect(try await Division.find("141127101902", on: t.db)?.parentCode == "141127101")
            // The export of 岚城镇 reads back as it is.
            let export = try await DivisionExport.rows(in: DivisionScope(DivisionCode("141127101")!), on: t.db)
            #expect(export.map(\.first) == ["区划代码", "141127101", "141127101901", "141127101902"])
            let again = try await DivisionImport.run(data: try SheetFile.write(export, format: .xlsx), scope: city, actor: cli, on: t.db)
            #expect([again.created, again.renamed, again.unchanged] as [Int] == [0, 0, 3], "\(again.text)")
        }
    }

    @Test func renamesAndPossibleMergesAreReportedAndNothingIsDeleted() async throws {
        try await TestApp.with { t in
            try await loadVillages(t)
            // The 2023 list of 临泉镇: 甲村 kept, 乙村 renamed, 丙村 gone (merged), a new one.
            let csv = """
                区划代码,名称
                141124100201,甲村
                141124100202,乙家村
                141124100204,新合村
                """
            let dry = try await DivisionImport.run(data: Data(csv.utf8), options: .init(dryRun: true), scope: city, actor: cli, on: t.db)
            #expect(!dry.applied && dry.dryRun)
            #expect([dry.created, dry.renamed, dry.unchanged, dry.possiblyMerged] as [Int] == [1, 1, 1, 1])
            #expect(dry.text.hasPrefix("试导入(未写入)"))
            #expect(try await Division.find("141124100204", on: t.db) == nil, "a dry run writes nothing")

            let report = try await DivisionImport.run(data: Data(csv.utf8), scope: city, actor: cli, on: t.db)
            #expect(report.applied)
            #expect(report.renames == [DivisionImport.Rename(row: 3, code: "141124100202", before: "乙村", after: "乙家村")])
            // 丁村 (白文镇) is not in a township this list covers: not reported.
            #expect(report.merged == [DivisionImport.Absent(code: "141124100203", name: "丙村")])
            #expect(report.text.contains("141124100202 乙村 → 乙家村"))
            #expect(report.text.contains("疑似已合并或撤销") && report.text.contains("141124100203 丙村"))
            #expect(try await Division.find("141124100203", on: t.db)?.name == "丙村", "never deleted")
            #expect(try await Division.find("141124100202", on: t.db)?.name == "乙家村")
            let update = try await t.sql.select().column("changes").from("audit_events").where("action", .equal, SQLBind("division.update"))
                .where("entity_id", .equal, SQLBind("141124100202")).all()
            #expect(update.count == 1)
            let changes = try update[0].decode(column: "changes", as: String.self)
            #expect(changes.contains("乙村") && changes.contains("乙家村"))
        }
    }

    @Test func unknownParentsDuplicatesAndTextAreRefusedAllOrNothing() async throws {
        try await TestApp.with { t in
            let before = try await divisionCount(t)
            let events = try await auditCount(t)
            let csv = """
                区划代码,名称
                141124100301,好村
                141124999201,无镇之村
                141124998,新镇
                141124998201,新镇之村
                141124100301000,过长
                141124100000,临泉镇
                141124100,临泉镇
                141124100302,南\u{202E}村
                """
            let report = try await DivisionImport.run(data: Data(csv.utf8), scope: city, actor: cli, on: t.db)
            #expect(!report.applied)
            #expect(report.problems.map(\.row) == [3, 6, 8, 9])
            #expect(report.problems[0].message == "上级区划 141124999 不存在,也不在本文件中")
            #expect(report.problems[1].column == "区划代码")
            #expect(report.problems[2].message.contains("与第7行重复"))
            #expect(report.problems[3].column == "名称" && report.problems[3].message.contains("文字方向控制字符"))
            #expect(report.text.hasPrefix("未导入任何数据:共 4 处错误"))
            #expect(try await divisionCount(t) == before)
            #expect(try await auditCount(t) == events)
        }
    }

    @Test func filesThatAreNotLists() async throws {
        try await TestApp.with { t in
            let empty = try await DivisionImport.run(data: Data(), scope: city, actor: cli, on: t.db)
            #expect(empty.problems.first?.message == "文件为空")
            let headerOnly = try await DivisionImport.run(data: Data("区划代码,名称\n\n".utf8), scope: city, actor: cli, on: t.db)
            #expect(headerOnly.problems.first?.message == "没有数据行")
            let xls = try await DivisionImport.run(data: Data(SheetFile.oleSignature + [0, 0]), scope: city, actor: cli, on: t.db)
            #expect(xls.problems.first?.message.contains(".xls") == true)
            var limits = DivisionImport.Options()
            limits.limits = SheetLimits(cells: 10, columnsPerRow: 4)
            let big = (0..<20).map { "1411241002\(String(format: "%02d", $0)),村\($0)" }.joined(separator: "\n")
            let large = try await DivisionImport.run(data: Data(("code,name\n" + big).utf8), options: limits, scope: city, actor: cli, on: t.db)
            #expect(large.problems.first?.message == limits.limits.tooLargeMessage)
            #expect(try await Division.find("141124100200", on: t.db) == nil)
        }
    }

    // MARK: the API

    @Test func countyAdminLoadsOnlyItsOwnCountysVillages() async throws {
        try await TestApp.with { t in
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            try await t.createUser("lin.op", role: .operator, division: "141124")
            try await t.createUser("quan.admin", role: .admin, division: "141124100")
            let token = try await t.token("lin.admin")
            let other = try await t.importFile(
                "/api/v1/divisions/import", Data("code,name\n141124100201,临县的村\n141123100201,兴县的村\n".utf8), token: token)
            #expect(other.status == .unprocessableEntity)
            #expect(other.isProblem)
            let rows = try #require(try other.json()["rows"] as? [[String: Any]])
            #expect(rows.map { $0["row"] as? Int } == [3])
            #expect((rows.first?["message"] as? String)?.contains("不在您的管辖范围内") == true)
            #expect(try await Division.find("141124100201", on: t.db) == nil, "all or nothing")

            let dry = try await t.importFile("/api/v1/divisions/import?dry_run=true", Data("code,name\n141124100201,临县的村\n".utf8), token: token)
            #expect(dry.status == .ok)
            #expect(try dry.json()["created"] as? Int == 1)
            #expect(try dry.json()["applied"] as? Bool == false)
            #expect(try await Division.find("141124100201", on: t.db) == nil)

            let own = try await t.importFile("/api/v1/divisions/import", Data("code,name\n141124100201,临县的村\n".utf8), token: token)
            #expect(own.status == .ok, "\(own.body.string)")
            let body = try own.json()
            #expect(body["created"] as? Int == 1 && body["applied"] as? Bool == true)
            #expect((body["created_by_level"] as? [String: Any])?["village"] as? Int == 1)
            let actor = try await t.sql.select().column("actor").from("audit_events").where("entity_id", .equal, SQLBind("141124100201"))
                .first()?.decode(column: "actor", as: String.self)
            #expect(actor == "lin.admin")

            let op = try await t.importFile("/api/v1/divisions/import", Data("code,name\n141124100202,村\n".utf8), token: try await t.token("lin.op"))
            #expect(op.status == .forbidden)
            let township = try await t.importFile(
                "/api/v1/divisions/import", Data("code,name\n141124100202,村\n".utf8), token: try await t.token("quan.admin"))
            #expect(township.status == .forbidden)
        }
    }

    @Test func exportGivesTheTreeInScope() async throws {
        try await TestApp.with { t in
            try await loadVillages(t)
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let token = try await t.token("lin.viewer")
            let all = try await t.request(.GET, "/api/v1/divisions/export", token: token)
            #expect(all.status == .ok)
            let text = all.body.string
            #expect(text.hasPrefix("\u{FEFF}区划代码,名称,级别\r\n141124,临县,县级\r\n141124100,临泉镇,乡级\r\n141124100201,甲村,村级"))
            #expect(!text.contains("141123") && !text.contains("141100,"))
            let township = try await t.request(.GET, "/api/v1/divisions/export?division=141124101&format=xlsx", token: token)
            #expect(township.status == .ok)
            let rows = try SheetFile.read(Data(buffer: township.body))
            #expect(rows.map { $0.cells.first?.text } == ["区划代码", "141124101", "141124101201"])
            #expect(try await t.request(.GET, "/api/v1/divisions/export?division=141123", token: token).status == .notFound)
            #expect(try await t.request(.GET, "/api/v1/divisions/export?division=141124999", token: token).status == .notFound)
            #expect(try await t.request(.GET, "/api/v1/divisions/export?division=12", token: token).status == .unprocessableEntity)
        }
    }

    @Test func theDemoVillagesGoThroughTheImport() async throws {
        try await TestApp.with { t in
            let root = try #require(try await Division.root(on: t.db))
            let demo = DemoContext(
                app: t.app, actor: AuditActor(name: "demo", requestID: "demo", clientAddress: "local"), scope: DivisionScope(root.code))
            let line = try #require(try await DivisionsModule().loadDemo(demo))
            #expect(line.contains("新增 4 个"))
            let names = try await Division.names(of: ["141124100901", "141124100902", "141127101901", "141127101902"], on: t.db)
            #expect(names == ["141124100901": "示范村一", "141124100902": "示范村二", "141127101901": "示范村三", "141127101902": "示范村四"])
            #expect(try await Division.find("141127101902", on: t.db)?.parentCode == "141127101")
            let again = try #require(try await DivisionsModule().loadDemo(demo))
            #expect(again.contains("新增 0 个"))
        }
    }
}
