import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct LedgerItemsAPITests {
    @Test func everyFieldTypeIsStoredAndShownInItsAPIForm() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let body: [String: Any] = [
                "division_code": "141124", "state": "in_progress", "due_date": "2024-03-01", "owner_unit": "临县民政局", "owner_person": "王建国",
                "values": [
                    "title": "危房改造", "count": 12, "area": "1.50", "amount": 123_456, "signed_on": "2024-01-05", "funded": false,
                    "kind": "教育", "tags": ["长期", "重点"], "village": "141124100201", "unit": "临县住建局",
                    "contact": ["name": "李四", "phone": "139 1234 5678"], "id_number": "11010519491231002x",
                ],
            ]
            let created = try await LedgerSamples.create(t, token: token, body)
            let values = try #require(created["values"] as? [String: Any])
            #expect(values["area"] as? String == "1.5")
            #expect(values["amount"] as? Int == 123_456)
            #expect(values["funded"] as? Bool == false)
            #expect(values["tags"] as? [String] == ["重点", "长期"])
            #expect((values["contact"] as? [String: Any])?["phone"] as? String == "13912345678")
            #expect(values["id_number"] as? String == "110105********002X")
            #expect(created["state"] as? String == "in_progress")
            #expect(created["state_name"] as? String == "进行中")
            #expect(created["overdue"] as? Bool == true)
            #expect(created["owner_person"] as? String == "王建国")
            let id = try #require(created["id"] as? String)
            let shown = try await t.request(.GET, "/api/v1/ledgers/assistance/items/\(id)", token: token)
            #expect(shown.status == .ok)
            #expect(shown.etag.hasSuffix("-1\""))
            #expect((try shown.json()["values"] as? [String: Any])?["id_number"] as? String == "110105********002X")

            // The clear number is nowhere in the database: not in the item, its index rows or the audit trail.
            for (table, column) in [("ledger_items", "data"), ("ledger_values", "t"), ("ledger_unique", "value_key"), ("audit_events", "changes")] {
                struct Row: Decodable { var c: Int }
                let n = try await t.sql.raw("SELECT COUNT(*) AS c FROM \(ident: table) WHERE \(ident: column) LIKE '%10519491231002%'")
                    .first(decoding: Row.self)?.c
                #expect(n == 0, "\(table).\(column)")
            }
        }
    }

    @Test func problemsAreListedByFieldKeyInChinese() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let res = try await t.request(
                .POST, "/api/v1/ledgers/assistance/items", token: token,
                json: [
                    "division_code": "141124",
                    "values": [
                        "count": "x", "area": "1.234", "amount": -1, "signed_on": "2024-02-30", "funded": "是", "kind": "医疗", "tags": ["重点", "无"],
                        "village": "12", "contact": ["name": "李四"], "id_number": "110105194912310021", "nope": 1,
                    ],
                ])
            #expect(res.status == .unprocessableEntity)
            let messages = try res.problemMessages()
            for key in [
                "values.title", "values.count", "values.area", "values.amount", "values.signed_on", "values.funded", "values.kind", "values.tags",
                "values.village", "values.contact", "values.id_number", "values.nope",
            ] {
                #expect(messages[key] != nil, "\(key): \(messages)")
            }
            #expect(messages["values.title"] == "「事项」为必填项,不能为空")
            // No message repeats the resident ID.
            #expect(!res.body.string.contains("110105194912310021"))
            // The division must be in scope and inside the ledger.
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let outside = try await t.request(
                .POST, "/api/v1/ledgers/assistance/items", token: try await t.token("lin.op"), json: LedgerSamples.item("甲", division: "141123"))
            #expect(outside.status == .unprocessableEntity)
            #expect(try outside.problemFields() == ["division_code"])
        }
    }

    @Test func filtersOverTheValueRowsMatchWhatWasStored() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            _ = try await LedgerSamples.create(
                t, token: token, LedgerSamples.item("甲", kind: "产业", extra: ["tags": ["重点"], "village": "141124100201", "signed_on": "2024-01-01"]))
            _ = try await LedgerSamples.create(
                t, token: token, LedgerSamples.item("乙", division: "141123", kind: "就业", extra: ["funded": false, "area": "3"]))
            _ = try await LedgerSamples.create(
                t, token: token,
                LedgerSamples.item("丙 Road", kind: "就业", extra: ["tags": ["重点", "紧急"], "contact": ["name": "张三", "phone": "13912345678"]]))
            func titles(_ query: String) async throws -> [String] {
                let res = try await t.request(.GET, "/api/v1/ledgers/assistance/items?\(query)", token: token)
                #expect(res.status == .ok, "\(query): \(res.body.string)")
                let items = try res.json()["items"] as? [[String: Any]] ?? []
                let total = (try res.json()["metadata"] as? [String: Any])?["total"] as? Int
                #expect(total == items.count, "\(query)")
                return items.compactMap { ($0["values"] as? [String: Any])?["title"] as? String }.sorted()
            }
            #expect(try await titles("") == ["丙 Road", "乙", "甲"])
            #expect(try await titles("f.kind=就业") == ["丙 Road", "乙"])
            #expect(try await titles("f.tags=重点") == ["丙 Road", "甲"])
            #expect(try await titles("f.tags=紧急&f.kind=就业") == ["丙 Road"])
            #expect(try await titles("f.funded=false") == ["乙"])
            #expect(try await titles("f.area=3.00") == ["乙"])
            #expect(try await titles("f.amount=12345") == ["丙 Road", "乙", "甲"])
            #expect(try await titles("f.village=141124") == ["甲"])
            #expect(try await titles("f.signed_on=2024-01-01") == ["甲"])
            #expect(try await titles("division=141123") == ["乙"])
            #expect(try await titles("q=road") == ["丙 Road"])
            #expect(try await titles("state=done").isEmpty)
            let bad = try await t.request(.GET, "/api/v1/ledgers/assistance/items?f.kind=医疗&f.nope=1&state=x&f.contact=张三", token: token)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try bad.problemFields()) == ["f.contact"])
            let bad2 = try await t.request(.GET, "/api/v1/ledgers/assistance/items?f.kind=医疗&f.nope=1&state=x", token: token)
            #expect(Set(try bad2.problemFields()) == ["f.kind", "f.nope", "state"])
            // Personal data is looked up through a body, never a URL.
            let found = try await t.request(
                .POST, "/api/v1/ledgers/assistance/items/lookup", token: token, json: ["field": "contact", "value": "139 1234 5678"])
            #expect((try found.json()["items"] as? [[String: Any]])?.count == 1, "\(found.body.string)")
            let byName = try await t.request(
                .POST, "/api/v1/ledgers/assistance/items/lookup", token: token, json: ["field": "contact", "value": "张三"])
            #expect((try byName.json()["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func editsNeedIfMatchAndStateChangesAreEvents() async throws {
        try await TestApp.with { t in
            try await LedgerSamples.define(t)
            try await t.createUser("lin.op", role: .operator, division: "141124")
            try await t.createUser("lin.sup", role: .supervisor, division: "141124")
            let op = try await t.token("lin.op"), sup = try await t.token("lin.sup")
            let item = try await LedgerSamples.create(t, token: op, LedgerSamples.item("甲"))
            let id = try #require(item["id"] as? String)
            let path = "/api/v1/ledgers/assistance/items/\(id)"
            let read = try await t.request(.GET, path, token: op)
            let change: [String: Any] = ["division_code": "141124", "values": ["title": "甲(改)", "kind": "教育"]]
            #expect(try await t.request(.PATCH, path, token: op, json: change).status == .preconditionRequired)
            let patched = try await t.request(.PATCH, path, token: op, json: change, headers: ["If-Match": read.etag])
            #expect(patched.status == .ok, "\(patched.body.string)")
            #expect((try patched.json()["values"] as? [String: Any])?["kind"] as? String == "教育")
            #expect(try await t.request(.PATCH, path, token: op, json: change, headers: ["If-Match": read.etag]).status == .preconditionFailed)
            #expect(try await t.request(.PATCH, path, token: sup, json: change, headers: ["If-Match": patched.etag]).status == .forbidden)

            let done = try await t.request(.POST, path + "/state", token: op, json: ["state": "done", "note": "已办结"])
            #expect(done.status == .ok, "\(done.body.string)")
            #expect(try done.json()["state"] as? String == "done")
            #expect(try await t.request(.POST, path + "/state", token: op, json: ["state": "done"]).status == .conflict)
            // Reopening: not by an operator; a supervisor must give a reason.
            #expect(try await t.request(.POST, path + "/state", token: op, json: ["state": "todo", "note": "再办"]).status == .forbidden)
            let noReason = try await t.request(.POST, path + "/state", token: sup, json: ["state": "todo"])
            #expect(noReason.status == .unprocessableEntity)
            #expect(try noReason.problemFields() == ["note"])
            #expect(try await t.request(.POST, path + "/state", token: sup, json: ["state": "todo", "note": "群众反映未解决"]).status == .ok)
            #expect(try await t.request(.POST, path + "/state", token: sup, json: ["state": "x", "bogus": 1]).status == .unprocessableEntity)

            struct Event: Decodable { var from_state: String?; var to_state: String; var note: String; var reopened: Bool; var actor: String }
            let events = try await t.sql.raw("SELECT from_state, to_state, note, reopened, actor FROM ledger_item_events ORDER BY ordinal")
                .all(decoding: Event.self)
            #expect(events.map(\.to_state) == ["todo", "done", "todo"])
            #expect(events.map(\.from_state) == [nil, "todo", "done"])
            #expect(events.map(\.reopened) == [false, false, true])
            #expect(events.last?.actor == "lin.sup")
        }
    }

    @Test func residentIDsAreUniqueByBlindIndexAndRevealedOnlyWithAReason() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let first = try await LedgerSamples.create(t, token: token, LedgerSamples.item("甲", extra: ["id_number": LedgerSamples.validID]))
            let dup = try await t.request(
                .POST, "/api/v1/ledgers/assistance/items", token: token, json: LedgerSamples.item("乙", extra: ["id_number": "11010519491231002x"]))
            #expect(dup.status == .conflict)
            #expect((try dup.json()["detail"] as? String)?.contains("「身份证号」为唯一字段") == true)
            let id = try #require(first["id"] as? String)
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let reveal = "/api/v1/ledgers/assistance/items/\(id)/reveal"
            #expect(
                try await t.request(.POST, reveal, token: try await t.token("lin.op"), json: ["field": "id_number", "reason": "核对"]).status
                    == .forbidden)
            #expect(try await t.request(.POST, reveal, token: token, json: ["field": "id_number", "reason": " "]).status == .unprocessableEntity)
            let shown = try await t.request(.POST, reveal, token: token, json: ["field": "id_number", "reason": "核对身份"])
            #expect(try shown.json()["resident_id"] as? String == LedgerSamples.validID)
            let audit = try await t.request(.GET, "/api/v1/audit?entity_id=\(id)", token: token)
            let events = try audit.json()["items"] as? [[String: Any]] ?? []
            #expect(events.contains { $0["action"] as? String == "ledger_item.reveal" })
            #expect(!audit.body.string.contains("10519491231002"))
            let lookup = try await t.request(
                .POST, "/api/v1/ledgers/assistance/items/lookup", token: token, json: ["field": "id_number", "value": "11010519491231002x"])
            #expect((try lookup.json()["items"] as? [[String: Any]])?.first?["id"] as? String == id)
            // Sending the masked value back keeps the number.
            let read = try await t.request(.GET, "/api/v1/ledgers/assistance/items/\(id)", token: token)
            let values = try #require(try read.json()["values"] as? [String: Any])
            let patched = try await t.request(
                .PATCH, "/api/v1/ledgers/assistance/items/\(id)", token: token, json: ["division_code": "141124", "values": values],
                headers: ["If-Match": read.etag])
            #expect(patched.status == .ok, "\(patched.body.string)")
            #expect(
                try await t.request(.POST, reveal, token: token, json: ["field": "id_number", "reason": "再核对"]).json()["resident_id"] as? String
                    == LedgerSamples.validID)
        }
    }

    @Test func concurrentWritersCannotBothTakeAUniqueValue() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<4 {
                    group.addTask {
                        try await t.request(
                            .POST, "/api/v1/ledgers/assistance/items", token: token, json: LedgerSamples.item("同一事项", extra: ["count": i])
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 3)
            // And the constraint itself holds, whatever the service checks.
            struct Row: Decodable { var item_seq: Int64 }
            let row = try #require(try await t.sql.raw("SELECT item_seq FROM ledger_unique WHERE field_key = 'title'").first(decoding: Row.self))
            await #expect(throws: (any Error).self) {
                try await t.sql.raw(
                    "INSERT INTO ledger_unique (ledger_id, field_key, value_key, item_seq) SELECT ledger_id, field_key, value_key, \(bind: row.item_seq + 1) FROM ledger_unique WHERE field_key = 'title'"
                ).run()
            }
        }
    }
}
