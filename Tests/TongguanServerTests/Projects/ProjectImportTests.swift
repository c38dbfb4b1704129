import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

@Suite struct ProjectImportTests {
    static let header = ProjectSheet.Column.allCases.map(\.rawValue).joined(separator: ",")
    let actor = AuditActor(name: "cli:test", requestID: "cli", clientAddress: "local")
    let city = DivisionScope(DivisionCode("141100")!)

    func rows(_ lines: [String]) throws -> [SheetRow] {
        try CSVParser.parse(([Self.header] + lines).joined(separator: "\n")).map { row in
            SheetRow(line: row.line, cells: row.fields.map(SheetCell.text))
        }
    }

    static let good = [
        "年产10万吨铝合金轮毂项目,山西吕兴实业有限公司,91350100M000100Y43,141124,临县经济开发区,铝镁新材料,\"12,345.678901\",5000,2021-07-16,2021年第三次,2021/8/1,,,,王建国,13912345678,",
        "清香型白酒酿造项目,山西汾盛酒业有限公司,91350100M000100Y43,141182,汾阳杏花村经济技术开发区,白酒,8000.5,12000,2021年7月16日,2021年第三次,,,,,李春梅,0358-7221234,一期",
    ]

    @Test func importsExactAmountsAndMatchesOnReimport() async throws {
        try await TestApp.with { t in
            let options = ProjectImport.Options(dryRun: false, createRounds: true)
            let report = try await ProjectImport.run(rows: try rows(Self.good), options: options, scope: city, actor: actor, on: t.db)
            #expect(report.problems == [])
            #expect(report.applied && report.created == 2)
            #expect(report.roundsCreated == ["2021年第三次"])
            let wheel = try #require(try await Project.query(on: t.db).filter(\.$name == "年产10万吨铝合金轮毂项目").first())
            #expect(wheel.totalInvestmentFen == 12_345_678_901)  // 12,345.678901 万元, exactly
            let milestones = try await ProjectService.milestones(of: wheel, on: t.db)
            #expect(Set(milestones.map(\.date)) == ["2021-07-16", "2021-08-01"])
            // The same file again: nothing changes.
            let again = try await ProjectImport.run(rows: try rows(Self.good), options: options, scope: city, actor: actor, on: t.db)
            #expect(again.created == 0 && again.updated == 0 && again.unchanged == 2)
            // An edited file updates in place.
            var edited = Self.good
            edited[1] = edited[1].replacingOccurrences(of: "8000.5", with: "9000")
            let update = try await ProjectImport.run(rows: try rows(edited), options: options, scope: city, actor: actor, on: t.db)
            #expect(update.updated == 1 && update.unchanged == 1 && update.created == 0)
            #expect(try await Project.query(on: t.db).count() == 2)
            guard case .intact = try await AuditVerification.verify(on: t.db) else { Issue.record("chain"); return }
        }
    }

    /// New projects and their milestones get ascending ids in file order (so a large import
    /// appends to the id indexes), across the writer's batches, with one event each in the
    /// same order; the ids are distinct version 7 UUIDs (`ImportUUIDs`).
    @Test func newProjectsGetAscendingIDsInFileOrder() async throws {
        try await TestApp.with { t in
            let count = ProjectWriter.sqliteWrite + 150
            let lines = (0..<count).map { i in
                "项目\(i),吕兴实业,91350100M000100Y43,141124,临县开发区,白酒,\(100 + i),\(50 + i),2021-07-16,,"
                    + (i % 3 == 0 ? "2021-08-01" : "") + ",,,,王建国,13912345678,"
            }
            let options = ProjectImport.Options(dryRun: false, createRounds: true)
            let report = try await ProjectImport.run(rows: try rows(lines), options: options, scope: city, actor: actor, on: t.db)
            #expect(report.applied && report.created == count)
            let projects = try await Project.query(on: t.db).all()
            let byName = Dictionary(uniqueKeysWithValues: projects.map { ($0.name, $0.id!) })
            let ids = (0..<count).map { byName["项目\($0)"]! }
            #expect(ids.map(\.uuidString) == ids.map(\.uuidString).sorted())
            #expect(Set(ids).count == count && ids.allSatisfy { $0.uuidString.dropFirst(14).first == "7" })
            let milestones = try await Milestone.query(on: t.db).all()
            #expect(milestones.count == count + (count + 2) / 3)
            let order = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
            let inFileOrder = milestones.sorted { (order[$0.$project.id]!, $0.stage) < (order[$1.$project.id]!, $1.stage) }
            let milestoneIDs = inFileOrder.map { $0.id!.uuidString }
            #expect(milestoneIDs == milestoneIDs.sorted())
            let events = try await t.sql.select().column("entity_id").from("audit_events")
                .where("action", .equal, "project.create").orderBy("seq").all()
                .map { try $0.decode(column: "entity_id", as: String.self) }
            #expect(events == ids.map(\.uuidString))
            guard case .intact = try await AuditVerification.verify(on: t.db) else { Issue.record("chain"); return }
        }
    }

    @Test func aBadFileWritesNothingAndNamesEveryProblem() async throws {
        try await TestApp.with { t in
            let bad =
                Self.good + [
                    "缺单位项目,,91350100M000100Y44,141124,,铝镁新材料,abc,5000,2021-07-16,未知批次,2021-07-01,,,,张三,123,",
                    "外县项目,某公司,91350100M000100Y43,141199,,钢铁,1.1234567,0,2021-13-01,,,,2021-09-01,,张三,,",
                ]
            let report = try await ProjectImport.run(rows: try rows(bad), options: .init(), scope: city, actor: actor, on: t.db)
            #expect(!report.applied)
            let byRow = Dictionary(grouping: report.problems, by: \.row)
            #expect(Set(byRow.keys) == [2, 3, 4, 5])
            let row4 = Set(byRow[4]!.map(\.column))
            #expect(row4.isSuperset(of: ["项目单位", "统一社会信用代码", "总投资(万元)", "开工日期", "联系电话"]), "\(row4)")
            let row5 = Set(byRow[5]!.map(\.column))
            #expect(row5.isSuperset(of: ["产业类别", "总投资(万元)", "签约日期", "所属区划代码"]), "\(row5)")
            // Without --create-rounds the unknown round is an error on rows 2 and 3 as well.
            #expect(byRow[2]!.contains { $0.column == "签约批次" && $0.message.contains("--create-rounds") })
            #expect(try await Project.query(on: t.db).count() == 0)
            #expect(try await Round.query(on: t.db).count() == 0)
            #expect(report.text.hasPrefix("未导入任何数据"))
        }
    }

    @Test func rowsOutsideTheImporterScopeAreErrors() async throws {
        try await TestApp.with { t in
            let scope = DivisionScope(DivisionCode("141124")!)
            let report = try await ProjectImport.run(
                rows: try rows(Self.good), options: .init(createRounds: true), scope: scope, actor: actor, on: t.db)
            #expect(report.problems.map(\.row) == [3])
            #expect(report.problems.first?.column == "所属区划代码")
        }
    }

    @Test func dryRunReportsWithoutWriting() async throws {
        try await TestApp.with { t in
            let report = try await ProjectImport.run(
                rows: try rows(Self.good), options: .init(dryRun: true, createRounds: true),
                scope: city, actor: actor, on: t.db)
            #expect(!report.applied && report.created == 2 && report.problems.isEmpty)
            #expect(try await Project.query(on: t.db).count() == 0)
        }
    }

    @Test func missingHeaderColumnsAreNamed() async throws {
        try await TestApp.with { t in
            let sheet = [SheetRow(line: 1, cells: [.text("项目名称"), .text("项目单位")])]
            let report = try await ProjectImport.run(rows: sheet, options: .init(), scope: city, actor: actor, on: t.db)
            #expect(report.problems.count == ProjectSheet.Column.required.count - 2)
            #expect(report.problems.allSatisfy { $0.row == 1 && $0.message == "表头缺少此列" })
        }
    }

    /// The demo exported and imported into an empty database gives the same summary.
    @Test func exportReimportsToTheSameData() async throws {
        let exported = try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            let rows = try await ProjectExport.rows(filter: ProjectFilter(), scope: city, on: t.db)
            let summary = try await ProjectSummary.run(.init(groupBy: .industry), scope: city, on: t.db)
            return (rows, summary)
        }
        try await TestApp.with { t in
            let sheet = exported.0.enumerated().map { SheetRow(line: $0.offset + 1, cells: $0.element.map(SheetCell.text)) }
            let report = try await ProjectImport.run(rows: sheet, options: .init(createRounds: true), scope: city, actor: actor, on: t.db)
            #expect(report.problems == [])
            #expect(report.created == exported.0.count - 1)
            let summary = try await ProjectSummary.run(.init(groupBy: .industry), scope: city, on: t.db)
            #expect(summary.map(\.count) == exported.1.map(\.count))
            #expect(summary.map(\.totalInvestmentFen) == exported.1.map(\.totalInvestmentFen))
            #expect(summary.map(\.expectedAnnualOutputFen) == exported.1.map(\.expectedAnnualOutputFen))
            let again = try await ProjectExport.rows(filter: ProjectFilter(), scope: city, on: t.db)
            #expect(again == exported.0)
        }
    }
}

@Suite struct RoundFormPagesTests {
    @Test func roundsAreCreatedEditedAndGuardedFromThePages() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            try await web.get("/projects/rounds/new")
            let bad = try await web.post("/projects/rounds", form: ["name": "", "date": "2021-13-01", "division_code": "141123"])
            #expect(bad.status == .unprocessableEntity)
            for field in ["name", "date"] { #expect(bad.body.string.contains("data-field=\"\(field)\"")) }
            let ok = try await web.post(
                "/projects/rounds", form: ["name": "2021年第三次", "date": "2021-07-16", "venue": "吕梁市开发区", "division_code": "141100"])
            #expect(ok.status == .seeOther)
            let round = try #require(try await Round.query(on: t.db).first())
            #expect(round.venue == "吕梁市开发区")
            let dup = try await web.post("/projects/rounds", form: ["name": "2021年第三次", "date": "2021-07-16", "division_code": "141100"])
            #expect(dup.body.string.contains("已有同名的活动批次"))
            try await web.get("/projects/rounds/\(round.id!.uuidString)/edit")
            let stale = try await web.post(
                "/projects/rounds/\(round.id!.uuidString)", form: ["name": "改名", "date": "2021-07-16", "division_code": "141100", "version": "0"])
            #expect(stale.status == .conflict)
            let edited = try await web.post(
                "/projects/rounds/\(round.id!.uuidString)",
                form: ["name": "2021年第三次活动", "date": "2021-07-16", "division_code": "141100", "version": "1"])
            #expect(edited.status == .seeOther)
            #expect(try await Round.find(round.id, on: t.db)?.name == "2021年第三次活动")
            // A referenced round stays.
            var fields = ProjectFields()
            fields.name = "项目"; fields.investorName = "公司"; fields.creditCode = "91350100M000100Y43"
            fields.divisionCode = DivisionCode("141124"); fields.industry = "白酒"; fields.totalInvestmentFen = 1; fields.expectedAnnualOutputFen = 0
            _ = try await ProjectService.create(
                fields, milestones: [.init(stage: .signed, date: CivilDate(iso: "2021-07-16")!, roundID: round.id)],
                actor: AuditActor(name: "t", requestID: "t", clientAddress: "l"), on: t.db)
            let refused = try await web.post("/projects/rounds/\(round.id!.uuidString)/delete", form: [:])
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("不能删除"))
        }
    }

    @Test func viewersCannotManageRounds() async throws {
        try await TestApp.with { t in
            try await t.createUser("viewer", role: .viewer, division: "141100")
            let web = WebClient(t)
            try await web.signIn("viewer", password: TestApp.password)
            #expect(try await web.get("/projects/rounds/new").status == .forbidden)
            #expect(!(try await web.get("/projects/rounds").body.string.contains("id=\"new-round\"")))
        }
    }
}
