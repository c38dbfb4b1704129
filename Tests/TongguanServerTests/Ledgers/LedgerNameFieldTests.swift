import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// A `name` field (驻村工作队员's 姓名) is personal data: never in a URL, masked in the audit
/// trail and in a default export, and a masked name imports back as "unchanged".
@Suite struct LedgerNameFieldTests {
    static var definition: [String: Any] {
        [
            "code": "task-force", "name": "工作队", "description": "测试用", "division_code": "141100",
            "fields": [
                ["key": "team", "label": "工作队编号", "type": "text", "required": true, "unique": true, "listed": true],
                ["key": "member", "label": "姓名", "type": "name", "required": true, "unique": true, "listed": true],
            ],
        ]
    }

    @Test func aNameIsKeptButNeverInAURLTheAuditOrADefaultExport() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t, Self.definition)
            let created = try await LedgerSamples.create(
                t, token: token, ["division_code": "141124", "values": ["team": "驻村0001", "member": "欧阳娜娜"]], code: "task-force")
            let id = try #require(created["id"] as? String)
            #expect((created["values"] as? [String: Any])?["member"] as? String == "欧阳娜娜")

            // A condition on a name goes in a body, never a query string.
            let inURL = try await t.request(.GET, "/api/v1/ledgers/task-force/items?f.member=欧阳娜娜", token: token)
            #expect(inURL.status == .unprocessableEntity)
            #expect(try inURL.problemFields() == ["f.member"])
            let found = try await t.request(
                .POST, "/api/v1/ledgers/task-force/items/lookup", token: token, json: ["field": "member", "value": "欧阳娜娜"])
            #expect((try found.json()["items"] as? [[String: Any]])?.first?["id"] as? String == id, "\(found.body.string)")
            let unique = try await t.request(
                .POST, "/api/v1/ledgers/task-force/items", token: token,
                json: ["division_code": "141124", "values": ["team": "驻村0002", "member": "欧阳娜娜"]])
            #expect(unique.status == .conflict || unique.status == .unprocessableEntity, "\(unique.body.string)")
            #expect(!unique.body.string.contains("欧阳娜娜"))

            let audit = try await t.request(.GET, "/api/v1/audit?entity_id=\(id)", token: token)
            #expect(audit.status == .ok)
            #expect(!audit.body.string.contains("欧阳娜娜"))
            #expect(audit.body.string.contains(PersonalData.name.mask("欧阳娜娜")))

            let export = try await t.request(.GET, "/api/v1/ledgers/task-force/export?format=csv", token: token)
            #expect(export.status == .ok, "\(export.body.string)")
            let file = Data(buffer: export.body)
            let rows = try SheetFile.read(file)
            #expect(PersonalSheet.isNotice(rows[0].cells.map(\.text)))
            let texts = rows.flatMap { $0.cells.map(\.text) }
            #expect(!texts.contains("欧阳娜娜"))
            #expect(texts.contains(PersonalSheet.mask("欧阳娜娜", as: .name)))

            // The masked file imports back unchanged; a masked name cannot make a new item.
            let back = try await t.importFile("/api/v1/ledgers/task-force/import", file, token: token)
            #expect(back.status == .ok, "\(back.body.string)")
            #expect(try back.json()["unchanged"] as? Int == 1)
            let masked = PersonalSheet.mask("欧阳娜娜", as: .name)
            let newRow = Data("区划代码,工作队编号,姓名,状态\r\n141124,驻村0003,\(masked),待办\r\n".utf8)
            let refused = try await t.importFile("/api/v1/ledgers/task-force/import", newRow, token: token)
            #expect(refused.status == .unprocessableEntity, "\(refused.body.string)")
            #expect(refused.body.string.contains("姓名是脱敏显示的"))
            #expect(try await LedgerItemRecord.query(on: t.db).count() == 1)
        }
    }
}
