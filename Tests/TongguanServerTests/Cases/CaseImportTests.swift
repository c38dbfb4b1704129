import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite("诉求 backlog import: all or nothing with row numbers, units and leaders by name, numbers reserved, counted as backlog")
struct CaseImportTests {
    static let header = "编号,来源,类别,标题,内容,诉求人,联系电话,区划代码,登记日期,交办单位,包案领导,状态,办理结果,办结日期\n"

    static func csv(_ rows: [String]) -> Data { Data((header + rows.joined(separator: "\n") + "\n").utf8) }

    static let good = [
        "141124-2019-000137,信访,申诉求决,拖欠工资,反映工程款拖欠三年,王五,13800002222,141124,2019-03-05,临县信访局,王市长,已办结,化解,2019-06-01",
        ",信访,检举控告,征地补偿,反映征地补偿未到位,赵六,13800003333,141124,2019-04-10,临县信访局,,办理中,,",
        ",信访,建议意见,道路修建,建议修建村道,孙七,13800004444,141124,2020-01-06,,,已登记,,",
    ]

    @Test("a list of several tally batches: the tallies equal the figures recomputed from the imported cases")
    func talliesPerBatch() async throws {
        try await TestApp.with { t in
            _ = try await CaseKit.make(t)
            let root = DivisionScope(DivisionCode("141100")!)
            let kinds = ["申诉求决", "检举控告", "建议意见"]
            let count = CaseImport.tallyBatch + 34
            let rows = (0..<count).map { i in
                let day = "20\(19 + i % 3)-0\(1 + i % 9)-1\(i % 10)"
                let leader = i % 4 == 0 ? "王市长" : ""
                return switch i % 3 {
                case 0: ",信访,\(kinds[i % 3]),标题\(i),内容\(i),赵六,13800003333,141124,\(day),临县信访局,\(leader),办理中,,"
                case 1: ",信访,\(kinds[i % 3]),标题\(i),内容\(i),王五,13800002222,141124,\(day),临县信访局,\(leader),已办结,化解,2021-12-01"
                default: ",信访,\(kinds[i % 3]),标题\(i),内容\(i),孙七,13800004444,141124,\(day),,\(leader),已登记,,"
                }
            }
            let report = try await CaseImport.run(
                data: Self.csv(rows), options: .init(handedDownBy: "省联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(report.applied && report.created == count, "\(report.text)")
            try await CaseTallyTests.expectRefilled(t.db, everyTableUsed: false)
            let counted = try await t.sql.raw("SELECT CAST(SUM(received) AS BIGINT) AS n FROM case_tally_divisions").first()
            #expect(try counted?.decode(column: "n", as: Int64.self) == Int64(count))
        }
    }

    @Test("a row without a number before a listed number of its series: the listed number stays its row's, the other gets the next")
    func unnumberedBeforeListed() async throws {
        try await TestApp.with { t in
            _ = try await CaseKit.make(t)
            let root = DivisionScope(DivisionCode("141100")!)
            let rows = [
                ",信访,建议意见,道路修建,建议修建村道,孙七,13800004444,141124,2021-01-06,,,已登记,,",
                "141124-2021-000001,信访,建议意见,路灯,建议安装路灯,周八,13800005555,141124,2021-02-06,,,已登记,,",
            ]
            let report = try await CaseImport.run(
                data: Self.csv(rows), options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(report.applied && report.created == 2, "\(report.text)")
            let cases = try await CaseRecord.query(on: t.db).sort(\.$receivedOn).all()
            #expect(cases.map(\.number) == ["141124-2021-000002", "141124-2021-000001"])
            #expect(try await CaseCounter.find("141124-2021", on: t.db)?.last == 2)
        }
    }

    @Test("numbers already taken are found in a list longer than SQLite's 32,766 bound values (asked in slices)")
    func takenNumbersInALongList() async throws {
        try await TestApp.with { t in
            _ = try await CaseKit.make(t)
            let root = DivisionScope(DivisionCode("141100")!)
            func row(_ n: Int) -> String {
                "141124-2018-\(String(format: "%06d", n)),信访,建议意见,道路修建,建议修建村道\(n),孙七,13800004444,141124,2018-05-06,,,已登记,,"
            }
            let first = try await CaseImport.run(
                data: Self.csv([row(33_000)]), options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(first.applied, "\(first.text)")
            let report = try await CaseImport.run(
                data: Self.csv((1...33_000).map(row)), options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(!report.applied && report.problemCount == 1)
            #expect(report.problems.map(\.row) == [33_001] && report.problems.map(\.message) == ["编号已被使用"])
            #expect(try await CaseRecord.query(on: t.db).count() == 1)
        }
    }

    @Test("a good list: three backlog cases with their states, the leader and unit matched, the number reserved, stats by the original date")
    func goodList() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let root = DivisionScope(DivisionCode("141100")!)
            let dry = try await CaseImport.run(
                data: Self.csv(Self.good), options: .init(dryRun: true, handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(dry.problemCount == 0 && dry.rows == 3 && !dry.applied)
            #expect(try await CaseRecord.query(on: t.db).count() == 0)
            let report = try await CaseImport.run(
                data: Self.csv(Self.good), options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(report.applied && report.created == 3, "\(report.text)")
            let cases = try await CaseRecord.query(on: t.db).sort(\.$receivedOn).all()
            #expect(cases.map(\.state) == ["closed", "in_progress", "registered"])
            #expect(cases.allSatisfy { $0.backlog && $0.handedDownBy == "中央联席办" && $0.countOn == $0.receivedOn })
            #expect(cases[0].number == "141124-2019-000137" && cases[0].outcome == "resolved")
            #expect(cases[0].ownerLeaderID?.uuidString == kit.leaderID && cases[0].unitID?.uuidString == kit.unitID)
            #expect(cases[1].number == "141124-2019-000138")
            // The in-progress case's deadlines ran from 2019: it is overdue.
            #expect(cases[1].pendingDue.map { $0 < CaseClock.today().description } == true)
            let stats = try await t.request(.GET, "/api/v1/cases/stats?backlog=true&from=2019-01-01&to=2019-12-31", token: kit.admin)
            let row = try #require((try stats.json()["rows"] as? [[String: Any]])?.first)
            #expect(row["received"] as? Int == 2 && row["resolved"] as? Int == 1 && row["closed"] as? Int == 1)
            let events = try await t.request(.GET, "/api/v1/cases/\(cases[0].id!.uuidString)", token: kit.admin).json()["events"] as? [[String: Any]]
            #expect(events?.first?["note"] as? String == "积案清单导入")
        }
    }

    @Test("a bad list writes nothing and names every problem by row and column")
    func badList() async throws {
        try await TestApp.with { t in
            _ = try await CaseKit.make(t)
            let root = DivisionScope(DivisionCode("141100")!)
            _ = try await CaseImport.run(data: Self.csv([Self.good[0]]), options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            let rows = [
                Self.good[0],  // number taken
                ",信访,检举控告,征地补偿,反映征地补偿未到位,赵六,13800003333,141124,2019-04-10,不存在的局,李书记,办理中,,",
                ",信访,建议意见,道路修建,建议修建村道,孙七,13800004444,141124,2020-01-06,,,已交办,,",
                ",信访,建议意见,道路修建,建议修建村道,孙七,13800004444,141199,2020-01-06,,,已登记,,",
            ]
            let report = try await CaseImport.run(data: Self.csv(rows), options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(!report.applied && report.created == 0)
            let found = Set(report.problems.map { "\($0.row) \($0.column)" })
            #expect(found == ["2 编号", "3 交办单位", "3 包案领导", "4 交办单位", "5 区划代码"], "\(report.text)")
            #expect(try await CaseRecord.query(on: t.db).count() == 1)
            // A county may import only its own cases.
            let lishi = DivisionScope(DivisionCode("141102")!)
            let outside = try await CaseImport.run(
                data: Self.csv([Self.good[1]]), options: .init(handedDownBy: "中央联席办"), scope: lishi, actor: .cli(), on: t.db)
            #expect(outside.problems.map(\.column).contains("区划代码"))
            let header = try await CaseImport.run(
                data: Data("标题\n路灯\n".utf8), options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(header.problemCount > 0 && header.problems.allSatisfy { $0.row == 1 })
        }
    }

    @Test("the upload page imports the list; without 交办机关 it refuses")
    func uploadPage() async throws {
        try await TestApp.with { t in
            _ = try await CaseKit.make(t)
            let web = WebClient(t)
            try await web.signIn()
            let form = try await web.get("/cases/import")
            #expect(form.status == .ok && form.body.string.contains("id=\"case-import-form\""))
            let tester = try t.app.testing()
            for (by, status) in [("", HTTPResponseStatus.unprocessableEntity), ("中央联席办", .ok)] {
                let (headers, body) = TestApp.multipart(
                    fields: [("csrf_token", web.csrf ?? ""), ("handed_down_by", by)], file: Self.csv(Self.good), filename: "积案.csv")
                var sent = headers
                sent.replaceOrAdd(name: .cookie, value: web.cookie ?? "")
                let res = try await tester.sendRequest(.POST, "/cases/import", headers: sent, body: body)
                #expect(res.status == status, "\(res.body.string.prefix(300))")
            }
            #expect(try await CaseRecord.query(on: t.db).filter(\.$backlog == true).count() == 3)
        }
    }

    @Test("export: the list's cases with the import's columns, read back by the importer's checks; for editors only, audited")
    func export() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let root = DivisionScope(DivisionCode("141100")!)
            _ = try await CaseImport.run(data: Self.csv(Self.good), options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            _ = try await kit.register(CaseKit.body(division: "141102", received: "2024-09-02"))
            let web = WebClient(t)
            try await web.signIn()
            let masked = try await web.get("/cases/export?backlog=true")
            #expect(masked.status == .ok && !masked.body.string.contains("13800002222"))
            // The full export (a reason in the form) reads back through the importer's checks.
            let res = try await web.post("/cases/export?backlog=true", form: ["reason": "核对积案清单"])
            #expect(res.status == .ok)
            let rows = try SheetFile.read(Data(res.body.string.utf8))
            #expect(rows.count == 5 && PersonalSheet.isNotice(rows[0].cells.map(\.text)))
            #expect(rows[1].cells.map(\.text) == CaseSheet.Column.allCases.map(\.rawValue))
            let columns = try CaseSheet.columns(in: rows[1].cells.map(\.text)).get()
            let drafts = try CaseSheet.drafts(Array(rows.dropFirst(2)), columns: columns, today: CaseClock.today()).get()
            #expect(drafts.map(\.number?.description) == ["141124-2019-000137", "141124-2019-000138", "141124-2020-000001"])
            #expect(drafts.map(\.state) == [.closed, .inProgress, .registered])
            #expect(drafts[0].unitName == "临县信访局" && drafts[0].ownerLeaderName == "王市长" && drafts[0].outcome == .resolved)
            // A viewer may not download names and phones; the download is in the audit trail.
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = WebClient(t)
            try await viewer.signIn("lin.viewer", password: TestApp.password)
            #expect(try await viewer.get("/cases/export").status == .forbidden)
            let audit = try await t.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'case.export'").first()
            #expect(try audit?.decode(column: "n", as: Int.self) == 1)
        }
    }
}
