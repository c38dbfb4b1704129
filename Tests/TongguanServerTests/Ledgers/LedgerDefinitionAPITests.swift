import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct LedgerDefinitionAPITests {
    @Test func defineReadListAndRefuseBadDefinitions() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let show = try await t.request(.GET, "/api/v1/ledgers/assistance", token: token)
            #expect(show.status == .ok)
            #expect(show.etag.hasSuffix("-1\""))
            let body = try show.json()
            #expect(body["version"] as? Int == 1)
            #expect(body["item_count"] as? Int == 0)
            #expect((body["states"] as? [[String: Any]])?.map { $0["name"] as? String } == ["待办", "进行中", "已完成"])
            let fields = try #require(body["fields"] as? [[String: Any]])
            #expect(fields.count == 12)
            #expect(fields[2]["scale"] as? Int == 2)
            #expect(fields[0]["listed"] as? Bool == true)
            let list = try await t.request(.GET, "/api/v1/ledgers", token: token)
            #expect((try list.json()["items"] as? [[String: Any]])?.map { $0["code"] as? String } == ["assistance"])

            // Every problem at once, by JSON path.
            let bad = try await t.request(
                .POST, "/api/v1/ledgers", token: token,
                json: [
                    "code": "Bad Code", "name": "", "division_code": "141100",
                    "states": [["code": "done", "name": "完成", "final": true]],
                    "fields": [["key": "a", "label": "区划代码", "type": "decimal"], ["key": "b", "label": "类别", "type": "choice"]],
                ])
            #expect(bad.status == .unprocessableEntity)
            let fieldsWithProblems = Set(try bad.problemFields())
            for path in ["code", "name", "states", "fields.0.key", "fields.0.label", "fields.0.scale", "fields.1.options"] {
                #expect(fieldsWithProblems.contains(path), "\(path) in \(fieldsWithProblems)")
            }
            // A code in use.
            let again = try await t.request(.POST, "/api/v1/ledgers", token: token, json: LedgerSamples.definition)
            #expect(again.status == .unprocessableEntity)
            #expect(try again.problemFields() == ["code"])
        }
    }

    @Test func onlyAdminsDefineAndOnlyInsideTheirScope() async throws {
        try await TestApp.with { t in
            try await LedgerSamples.define(t)
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let admin = try await t.token("lin.admin"), op = try await t.token("lin.op")
            var county = LedgerSamples.definition
            county["code"] = "lin-visits"
            county["division_code"] = "141124"
            #expect(try await t.request(.POST, "/api/v1/ledgers", token: op, json: county).status == .forbidden)
            #expect(try await t.request(.POST, "/api/v1/ledgers", token: admin, json: county).status == .created)
            var city = county
            city["code"] = "city-visits"
            city["division_code"] = "141100"
            let refused = try await t.request(.POST, "/api/v1/ledgers", token: admin, json: city)
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.problemFields() == ["division_code"])
            // A county admin sees the city's ledger but may not redefine it.
            let shown = try await t.request(.GET, "/api/v1/ledgers/assistance", token: admin)
            #expect(shown.status == .ok)
            var patch = LedgerSamples.definition
            patch["name"] = "改名"
            let denied = try await t.request(.PATCH, "/api/v1/ledgers/assistance", token: admin, json: patch, headers: ["If-Match": shown.etag])
            #expect(denied.status == .forbidden)
            // Another county's ledger does not exist for 临县.
            try await t.createUser("xing.admin", role: .admin, division: "141123")
            var xing = county
            xing["code"] = "xing-visits"
            xing["division_code"] = "141123"
            #expect(try await t.request(.POST, "/api/v1/ledgers", token: try await t.token("xing.admin"), json: xing).status == .created)
            #expect(try await t.request(.GET, "/api/v1/ledgers/xing-visits", token: admin).status == .notFound)
            let codes = (try await t.request(.GET, "/api/v1/ledgers", token: admin).json()["items"] as? [[String: Any]])?.compactMap {
                $0["code"] as? String
            }
            #expect(codes == ["assistance", "lin-visits"])
        }
    }

    @Test func changesAreVersionsAndStrandedValuesAreRefusedWithCounts() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            for i in 0..<3 { _ = try await LedgerSamples.create(t, token: token, LedgerSamples.item("事项\(i)", kind: i == 0 ? "就业" : "产业")) }
            let read = try await t.request(.GET, "/api/v1/ledgers/assistance", token: token)
            var body = try read.json()
            var fields = try #require(body["fields"] as? [[String: Any]])

            // Without If-Match, and with a stale one.
            #expect(try await t.request(.PATCH, "/api/v1/ledgers/assistance", token: token, json: body).status == .preconditionRequired)

            // Safe: rename a label, add an option, a field and a state.
            fields[1]["label"] = "件数"
            fields[6]["options"] = ["产业", "就业", "教育", "医疗"]
            fields.append(["key": "remark", "label": "备注", "type": "text"])
            body["fields"] = fields
            body["states"] = [
                ["code": "todo", "name": "待办"], ["code": "in_progress", "name": "进行中"], ["code": "review", "name": "审核中"],
                ["code": "done", "name": "已完成", "final": true],
            ]
            let saved = try await t.request(.PATCH, "/api/v1/ledgers/assistance", token: token, json: body, headers: ["If-Match": read.etag])
            #expect(saved.status == .ok, "\(saved.body.string)")
            #expect(try saved.json()["version"] as? Int == 2)
            let stale = try await t.request(.PATCH, "/api/v1/ledgers/assistance", token: token, json: body, headers: ["If-Match": read.etag])
            #expect(stale.status == .preconditionFailed)

            // Removing a field that holds values, retyping one, removing a used option: 409 with counts.
            var refused = body
            var bad = fields
            bad.remove(at: 1)  // count: 3 items hold it
            bad[1]["type"] = "integer"  // area (now at 1): 3 items hold it
            bad[1]["scale"] = NSNull()
            bad[5]["options"] = ["产业", "教育", "医疗"]  // 就业 used once
            refused["fields"] = bad
            let conflict = try await t.request(.PATCH, "/api/v1/ledgers/assistance", token: token, json: refused, headers: ["If-Match": saved.etag])
            #expect(conflict.status == .conflict)
            let detail = try conflict.json()["detail"] as? String ?? ""
            #expect(detail.contains("字段「件数」已有 3 条记录填写"), "\(detail)")
            #expect(detail.contains("字段「面积」已有 3 条记录填写"), "\(detail)")
            #expect(detail.contains("选项「就业」已有 1 条记录使用"), "\(detail)")
            let messages = try conflict.problemMessages()
            #expect(messages["fields"] != nil && messages["fields.1.type"] != nil && messages["fields.5.options"] != nil, "\(messages)")

            // Archiving instead is allowed; the archived field keeps its values.
            var archived = body
            var kept = fields
            kept[1]["archived"] = true
            archived["fields"] = kept
            let done = try await t.request(.PATCH, "/api/v1/ledgers/assistance", token: token, json: archived, headers: ["If-Match": saved.etag])
            #expect(done.status == .ok, "\(done.body.string)")
            let versions = try await t.request(.GET, "/api/v1/ledgers/assistance/versions", token: token)
            let items = try #require(try versions.json()["items"] as? [[String: Any]])
            #expect(items.map { $0["version"] as? Int } == [3, 2, 1])
            #expect((items[0]["changes"] as? [String]) == ["字段 count 已归档"])
            #expect((items[1]["changes"] as? [String])?.contains("字段「数量」改名为「件数」") == true)

            // Each version is in the audit trail.
            let audit = try await t.request(.GET, "/api/v1/audit?entity_type=ledger", token: token)
            let actions = (try audit.json()["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
            #expect(actions.filter { $0 == "ledger.update" }.count == 2)
            #expect(actions.contains("ledger.create"))
        }
    }

    @Test func makingAFieldUniqueChecksExistingValuesAndThenHoldsThem() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            for i in 0..<3 {
                _ = try await LedgerSamples.create(t, token: token, LedgerSamples.item("事项\(i)", extra: ["unit": i < 2 ? "民政局" : "教育局"]))
            }
            let read = try await t.request(.GET, "/api/v1/ledgers/assistance", token: token)
            var body = try read.json()
            var fields = try #require(body["fields"] as? [[String: Any]])
            fields[9]["unique"] = true
            body["fields"] = fields
            let conflict = try await t.request(.PATCH, "/api/v1/ledgers/assistance", token: token, json: body, headers: ["If-Match": read.etag])
            #expect(conflict.status == .conflict)
            #expect((try conflict.json()["detail"] as? String)?.contains("有 2 条记录的值与其他记录重复") == true)
            // The title is unique already: a second item with a used title is refused.
            let dup = try await t.request(.POST, "/api/v1/ledgers/assistance/items", token: token, json: LedgerSamples.item("事项1"))
            #expect(dup.status == .conflict)
            #expect((try dup.json()["detail"] as? String)?.contains("「事项」为唯一字段") == true)
        }
    }
}
