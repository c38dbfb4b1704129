import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The one seam for exports with personal columns (`PersonalExport`), on every sheet that has
/// them: 诉求 (requester's name and phone), 台账 (person and resident ID fields) and 监测
/// (members' names, IDs, phones, addresses). A default export holds no clear value (the bytes
/// are searched); a full one needs an allowed role and a reason, holds them, and is audited
/// with the reason and never a value; masked files do not corrupt data when imported back.
@Suite struct PersonalExportTests {
    static let reason = "核对积案联系方式"

    /// The `export.personal` events' changes (text as stored).
    static func personalExportEvents(_ t: TestApp) async throws -> [String] {
        struct Row: Decodable { var changes: String }
        return try await t.sql.raw("SELECT changes FROM audit_events WHERE action = \(bind: PersonalExport.auditAction)")
            .all(decoding: Row.self).map(\.changes)
    }

    static func bytes(_ res: TestingHTTPResponse) -> String { String(decoding: Data(buffer: res.body), as: UTF8.self) }

    // MARK: 诉求

    static let caseRows = [
        "141124-2019-000137,信访,申诉求决,拖欠工资,反映工程款拖欠三年,王五福,13800002222,141124,2019-03-05,临县信访局,王市长,已办结,化解,2019-06-01",
        ",信访,检举控告,征地补偿,反映征地补偿未到位,欧阳娜娜,13800003333,141124,2019-04-10,临县信访局,,办理中,,",
    ]
    static let caseSecrets = ["王五福", "欧阳娜娜", "13800002222", "13800003333"]

    @Test func casesDefaultExportIsMaskedAndFullExportNeedsARoleAndAReason() async throws {
        var full = Data()
        var masked = Data()
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let root = DivisionScope(DivisionCode("141100")!)
            let imported = try await CaseImport.run(
                data: CaseImportTests.csv(Self.caseRows), options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            try #require(imported.applied, "\(imported.text)")

            let res = try await t.request(.GET, "/api/v1/cases/export?backlog=true", token: kit.admin)
            #expect(res.status == .ok)
            let text = Self.bytes(res)
            for secret in Self.caseSecrets { #expect(!text.contains(secret), "default export holds \(secret)") }
            #expect(text.contains(PersonalSheet.noticeMark) && text.contains("138****2222") && text.contains("欧阳**"))
            masked = Data(buffer: res.body)

            // Operators and viewers may not export in full (the role is checked before the body).
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = try await t.token("lin.viewer")
            try expectProblem(try await t.request(.POST, "/api/v1/cases/export", token: viewer, json: ["reason": Self.reason]), .forbidden)
            try expectProblem(try await t.request(.POST, "/api/v1/cases/export", token: kit.handler, json: ["reason": Self.reason]), .forbidden)
            try expectProblem(try await t.request(.GET, "/api/v1/cases/export", token: viewer), .forbidden)
            // A reason is required; nothing is written to the trail without one.
            let noReason = try await t.request(.POST, "/api/v1/cases/export", token: kit.admin, json: ["reason": ""])
            try expectProblem(noReason, .unprocessableEntity)
            #expect(try noReason.problemFields() == ["reason"])
            #expect(try await Self.personalExportEvents(t).isEmpty)

            let clear = try await t.request(.POST, "/api/v1/cases/export?backlog=true&format=xlsx", token: kit.admin, json: ["reason": Self.reason])
            #expect(clear.status == .ok, "\(clear.body.string)")
            full = Data(buffer: clear.body)
            let cells = try SheetFile.read(full).flatMap { $0.cells.map(\.text) }
            for secret in Self.caseSecrets { #expect(cells.contains(secret), "full export lacks \(secret)") }
            #expect(PersonalSheet.isNotice(try SheetFile.read(full)[0].cells.map(\.text)))

            let events = try await Self.personalExportEvents(t)
            try #require(events.count == 1)
            #expect(events[0].contains(Self.reason) && events[0].contains("cases") && events[0].contains("诉求人") && events[0].contains("联系电话"))
            for secret in Self.caseSecrets { #expect(!events[0].contains(secret)) }
        }
        // Round trips: the masked file is refused row by row with the reason; the full one
        // imports (into another database: the import only creates cases).
        try await TestApp.with { t in
            _ = try await CaseKit.make(t)
            let root = DivisionScope(DivisionCode("141100")!)
            let refused = try await CaseImport.run(data: masked, options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(!refused.applied)
            let columns = Set(refused.problems.filter { $0.message.contains("脱敏") }.map { "\($0.row) \($0.column)" })
            #expect(columns == ["3 诉求人", "3 联系电话", "4 诉求人", "4 联系电话"], "\(refused.text)")
            #expect(try await CaseRecord.query(on: t.db).count() == 0)
            let report = try await CaseImport.run(data: full, options: .init(handedDownBy: "中央联席办"), scope: root, actor: .cli(), on: t.db)
            #expect(report.applied && report.created == 2, "\(report.text)")
            let names = Set(try await CaseRecord.query(on: t.db).all().map(\.requesterName))
            #expect(names == ["王五福", "欧阳娜娜"])
        }
    }

    @Test func casesFullExportFromThePageTakesTheReasonFromTheForm() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            _ = try await kit.register()
            let web = WebClient(t)
            try await web.signIn()
            let list = try await web.get("/cases")
            #expect(list.body.string.contains("id=\"personal-export\"") && list.body.string.contains("action=\"/cases/export"))
            let masked = try await web.get("/cases/export")
            #expect(masked.status == .ok && !masked.body.string.contains("13800001234") && !masked.body.string.contains("张三丰"))
            let missing = try await web.post("/cases/export", form: ["reason": ""])
            #expect(missing.status == .unprocessableEntity)
            let full = try await web.post("/cases/export", form: ["reason": Self.reason])
            #expect(full.status == .ok)
            #expect(full.body.string.contains("13800001234") && full.body.string.contains("张三丰"))
            #expect(try await Self.personalExportEvents(t).count == 1)

            // An operator sees no form and is refused.
            let handler = WebClient(t)
            try await handler.signIn("lin.handler", password: TestApp.password)
            #expect(!(try await handler.get("/cases")).body.string.contains("id=\"personal-export\""))
            #expect(try await handler.post("/cases/export", form: ["reason": Self.reason]).status == .forbidden)
        }
    }

    // MARK: 台账

    static let ledgerSecrets = ["李四", "13912345678", "11010519491231002X"]

    @Test func ledgerPersonalFieldsAreMaskedAndMaskedCellsMeanUnchanged() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let file = Data(LedgerTransferTests.csv(LedgerTransferTests.rowA, LedgerTransferTests.rowB).utf8)
            let imported = try await t.importFile("/api/v1/ledgers/assistance/import", file, token: token)
            try #require(imported.status == .ok, "\(imported.body.string)")

            let res = try await t.request(.GET, "/api/v1/ledgers/assistance/export", token: token)
            #expect(res.status == .ok)
            let text = Self.bytes(res)
            for secret in Self.ledgerSecrets + ["11010519491231002x"] { #expect(!text.contains(secret), "default export holds \(secret)") }
            #expect(text.contains(PersonalSheet.noticeMark) && text.contains("李*") && text.contains("139****5678"))

            // The masked file imports back as "unchanged": the masks stand for the stored values.
            let back = try await t.importFile("/api/v1/ledgers/assistance/import", Data(buffer: res.body), token: token)
            #expect(back.status == .ok, "\(back.body.string)")
            #expect(try back.json()["unchanged"] as? Int == 2)
            let item = try #require(
                (try await t.request(.GET, "/api/v1/ledgers/assistance/items?q=危房", token: token).json()["items"] as? [[String: Any]])?.first)
            #expect((item["values"] as? [String: Any])?["contact"] as? [String: String] == ["name": "李四", "phone": "13912345678"])

            // A masked person on a new item (its unique value changed) is refused with the reason.
            let renamed = text.replacingOccurrences(of: "危房改造", with: "危房改造二期").replacingOccurrences(of: "110105********002X", with: "")
            let refused = try await t.importFile("/api/v1/ledgers/assistance/import", Data(renamed.utf8), token: token)
            try expectProblem(refused, .unprocessableEntity)
            let rows = try #require(try refused.json()["rows"] as? [[String: Any]])
            #expect(rows.contains { $0["column"] as? String == "联系人" && ($0["message"] as? String ?? "").contains("脱敏") }, "\(rows)")
            #expect(try await LedgerItemRecord.query(on: t.db).count() == 2)

            // Viewers and operators may not export in full; supervisors and admins may, with a reason.
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            try await t.createUser("lin.op", role: .operator, division: "141124")
            try await t.createUser("city.sup", role: .supervisor, division: "141100")
            for name in ["lin.viewer", "lin.op"] {
                let other = try await t.token(name)
                try expectProblem(
                    try await t.request(.POST, "/api/v1/ledgers/assistance/export", token: other, json: ["reason": Self.reason]), .forbidden)
            }
            let supervisor = try await t.token("city.sup")
            let clear = try await t.request(.POST, "/api/v1/ledgers/assistance/export", token: supervisor, json: ["reason": Self.reason])
            #expect(clear.status == .ok, "\(clear.body.string)")
            let clearText = Self.bytes(clear)
            for secret in Self.ledgerSecrets { #expect(clearText.contains(secret), "full export lacks \(secret)") }
            let events = try await Self.personalExportEvents(t)
            try #require(events.count == 1)
            #expect(events[0].contains(Self.reason) && events[0].contains("ledger:assistance") && events[0].contains("联系人电话"))
            for secret in Self.ledgerSecrets { #expect(!events[0].contains(secret)) }
            // The full file imports back unchanged too.
            let again = try await t.importFile("/api/v1/ledgers/assistance/import", Data(buffer: clear.body), token: token)
            #expect(try again.json()["unchanged"] as? Int == 2, "\(again.body.string)")
        }
    }

    // MARK: 监测

    @Test func membersDefaultExportMasksEveryPersonalColumn() async throws {
        let (rows, ids) = MemberRows.households(2)
        let names = rows.map { $0[0] }
        let phones = rows.map { $0[11] }.filter { !$0.isEmpty }
        var masked = Data()
        try await TestApp.with { t in
            try await RegistryFixture.addVillages(t)
            let token = try await t.adminToken()
            #expect(try await t.importMembers(MemberRows.csv(rows), token: token).status == .ok)
            let res = try await t.request(.GET, "/api/v1/households/export", token: token)
            #expect(res.status == .ok)
            let text = Self.bytes(res)
            for secret in ids + names + phones { #expect(!text.contains(secret), "default export holds \(secret)") }
            masked = Data(buffer: res.body)

            try await t.createUser("lin.sup", role: .supervisor, division: "141124")
            let supervisor = try await t.token("lin.sup")
            try expectProblem(try await t.request(.POST, "/api/v1/households/export", token: supervisor, json: ["reason": Self.reason]), .forbidden)
            let clear = try await t.request(.POST, "/api/v1/households/export?division=141124", token: token, json: ["reason": Self.reason])
            #expect(clear.status == .ok, "\(clear.body.string)")
            let clearText = Self.bytes(clear)
            for secret in ids + names + phones { #expect(clearText.contains(secret), "full export lacks \(secret)") }
            let events = try await Self.personalExportEvents(t)
            try #require(events.count == 1)
            #expect(events[0].contains(Self.reason) && events[0].contains("members") && events[0].contains("\"\(ids.count)\""))
            for secret in ids + names + phones { #expect(!events[0].contains(secret)) }
        }
        // The masked file re-imports nowhere: every masked row is refused with the reason.
        try await TestApp.with { t in
            try await RegistryFixture.addVillages(t)
            let token = try await t.adminToken()
            let res = try await t.importMembers(masked, token: token)
            try expectProblem(res, .unprocessableEntity)
            let problems = try #require(try res.json()["rows"] as? [[String: Any]])
            #expect(problems.contains { $0["column"] as? String == "身份证号" && ($0["message"] as? String ?? "").contains("脱敏") }, "\(problems)")
            #expect(try await Member.query(on: t.db).count() == 0)
        }
    }
}
