import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The ledger pages with JavaScript off: the designer, the generated item form, the list
/// with its filters and aggregate, the item page with its history, the upload form.
@Suite struct LedgerPagesTests {
    /// The designer's form for a small ledger: a unique text, a choice, money, a person.
    static var design: [String: String] {
        [
            "code": "outfalls", "name": "排污口台账", "description": "入河排污口", "division_code": "141100", "has_due_date": "on",
            "field_rows": "5", "state_rows": "5",
            "field_key_0": "number", "field_label_0": "编号", "field_type_0": "text", "field_required_0": "on", "field_unique_0": "on",
            "field_listed_0": "on",
            "field_key_1": "river", "field_label_1": "所在河流", "field_type_1": "choice", "field_options_1": "汾河、黄河", "field_listed_1": "on",
            "field_key_2": "cost", "field_label_2": "投资", "field_type_2": "money",
            "field_key_3": "contact", "field_label_3": "联系人", "field_type_3": "person",
            "state_code_0": "todo", "state_name_0": "待办", "state_code_1": "done", "state_name_1": "已完成", "state_final_1": "on",
        ]
    }

    @Test func anAdministratorDefinesALedgerAndAddsAnItemThroughThePages() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            let blank = try await web.get("/ledgers/new")
            #expect(blank.status == .ok)
            #expect(blank.body.string.contains("field_key_4"))
            // More rows, without saving.
            var grown = Self.design
            grown["more"] = "fields"
            let more = try await web.post("/ledgers/new", form: grown)
            #expect(more.body.string.contains("field_key_7"))
            #expect(try await Ledger.query(on: t.db).count() == 0)

            // Problems come back by row, in Chinese.
            var bad = Self.design
            bad["field_key_2"] = "number"
            bad["field_options_1"] = ""
            let refused = try await web.post("/ledgers/new", form: bad)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("第3行字段"), "\(refused.body.string.prefix(3000))")
            #expect(refused.body.string.contains("第2行字段"))
            #expect(try await Ledger.query(on: t.db).count() == 0)

            let created = try await web.post("/ledgers/new", form: Self.design)
            #expect(created.status == .seeOther, "\(created.body.string.prefix(3000))")
            #expect(created.headers.first(name: .location) == "/ledgers/outfalls")
            let (_, definition) = try await LedgerService.find("outfalls", in: DivisionScope(DivisionCode("141100")!), on: t.db)
            #expect(definition.fields.map(\.type) == [.text, .choice, .money, .person])
            #expect(definition.field("river")?.options == ["汾河", "黄河"])
            #expect(definition.states.map(\.final) == [false, true])

            // The generated form: Chinese messages by field.
            let form = try await web.get("/ledgers/outfalls/items/new")
            #expect(form.status == .ok)
            for name in ["v_number", "v_river", "v_cost", "v_contact", "v_contact_phone", "division_code", "due_date"] {
                #expect(form.body.string.contains("name=\"\(name)\""), "\(name)")
            }
            let wrong = try await web.post(
                "/ledgers/outfalls/items/new", form: ["division_code": "141124", "v_cost": "1.234", "v_contact": "张三", "v_contact_phone": "123"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("「编号」不能为空"), "\(wrong.body.string.prefix(4000))")
            #expect(wrong.body.string.contains("「投资」"))
            #expect(wrong.body.string.contains("「联系人电话」"))
            #expect(try await LedgerItemRecord.query(on: t.db).count() == 0)

            let item = try await web.post(
                "/ledgers/outfalls/items/new",
                form: [
                    "division_code": "141124", "v_number": "LX-001", "v_river": "黄河", "v_cost": "1234.5", "v_contact": "张三",
                    "v_contact_phone": "13912345678", "due_date": "2020-01-01", "state": "待办",
                ])
            #expect(item.status == .seeOther, "\(item.body.string.prefix(4000))")
            let itemPath = try #require(item.headers.first(name: .location))
            // A second item with the same number is refused beside the field.
            let dup = try await web.post(
                "/ledgers/outfalls/items/new", form: ["division_code": "141124", "v_number": "LX-001", "state": "待办"])
            #expect(dup.status != .seeOther)
            #expect(dup.body.string.contains("编号"))

            // The list, its filters and its aggregate.
            let list = try await web.get("/ledgers/outfalls")
            #expect(list.status == .ok)
            #expect(list.body.string.contains("LX-001"))
            #expect(list.body.string.contains("class=\"bar-chart"))
            #expect(
                try await web.get("/ledgers/outfalls?f.river=黄河".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!).body.string
                    .contains("LX-001"))
            #expect(
                !(try await web.get("/ledgers/outfalls?f.river=汾河".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!).body.string
                    .contains("LX-001")))
            #expect(try await web.get("/ledgers/outfalls?overdue=on").body.string.contains("LX-001"))
            #expect(!(try await web.get("/ledgers/outfalls?state=done").body.string.contains("LX-001")))
            // Every figure of the aggregate links to the item list it counts.
            #expect(list.body.string.contains("href=\"/ledgers/outfalls/items?division=141124\""))
            #expect(try await web.get("/ledgers/outfalls/items?division=141124").body.string.contains("LX-001"))

            // The item page, an edit, a state change and the history.
            let shown = try await web.get(itemPath)
            #expect(shown.body.string.contains("1234.50") || shown.body.string.contains("1234.5"))
            let edit = try await web.get(itemPath + "/edit")
            #expect(edit.body.string.contains("value=\"LX-001\""))
            var changed = ["division_code": "141124", "v_number": "LX-001", "v_river": "汾河", "v_cost": "1234.5", "v_contact": "张三"]
            changed["v_contact_phone"] = "13912345678"
            changed["state"] = "待办"
            changed["version"] = "1"
            #expect(try await web.post(itemPath + "/edit", form: changed).status == .seeOther)
            let stale = try await web.post(itemPath + "/edit", form: changed)
            #expect(stale.status == .conflict)
            let state = try await web.post(itemPath + "/state", form: ["state": "done", "note": "已立牌"])
            #expect(state.status == .seeOther)
            let history = try await web.get(itemPath)
            #expect(history.body.string.contains("已立牌"))
            #expect(history.body.string.contains("class=\"event-row\""))
            let record = try #require(try await LedgerItemRecord.query(on: t.db).first())
            #expect(record.state == "done")
            #expect(record.version == 3)

            // Redefining: a new field; removing one that holds values is refused.
            let editForm = try await web.get("/ledgers/outfalls/edit")
            #expect(editForm.status == .ok)
            var redefine = Self.design
            redefine["version"] = "1"
            redefine["field_rows"] = "6"
            redefine["field_saved_0"] = "on"
            redefine["field_key_4"] = "flagged"
            redefine["field_label_4"] = "立标志牌"
            redefine["field_type_4"] = "bool"
            #expect(try await web.post("/ledgers/outfalls/edit", form: redefine).status == .seeOther)
            var removing = redefine
            removing["version"] = "2"
            for k in ["key", "label", "type"] { removing["field_\(k)_2"] = nil }
            let refusedRemoval = try await web.post("/ledgers/outfalls/edit", form: removing)
            #expect(refusedRemoval.status == .unprocessableEntity || refusedRemoval.status == .conflict)
            #expect(refusedRemoval.body.string.contains("归档"), "\(refusedRemoval.body.string.prefix(3000))")
        }
    }

    @Test func theUploadFormShowsEveryBadRowOnTheSharedReportPage() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            #expect(try await web.post("/ledgers/new", form: Self.design).status == .seeOther)
            try await web.get("/ledgers/outfalls")
            let csv = "区划代码,编号,所在河流,投资,联系人,联系人电话,状态,截止日期\n141124,A-1,长江,1,,,待办,\n141124,,黄河,x,,,待办,\n"
            let (headers, body) = TestApp.multipart(fields: [("csrf_token", web.csrf ?? "")], file: Data(csv.utf8), filename: "o.csv")
            var all = headers
            all.replaceOrAdd(name: .cookie, value: web.cookie ?? "")
            let res = try await t.app.testing().sendRequest(.POST, "/ledgers/outfalls/import", headers: all, body: body)
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains("class=\"import-problem\""))
            #expect(res.body.string.contains("所在河流"))
            #expect(res.body.string.contains("投资"))
            #expect(try await LedgerItemRecord.query(on: t.db).count() == 0)

            let good = "区划代码,编号,所在河流,投资,联系人,联系人电话,状态,截止日期\n141124,A-1,汾河,1,,,待办,\n"
            let (h2, b2) = TestApp.multipart(fields: [("csrf_token", web.csrf ?? "")], file: Data(good.utf8), filename: "o.csv")
            var all2 = h2
            all2.replaceOrAdd(name: .cookie, value: web.cookie ?? "")
            let ok = try await t.app.testing().sendRequest(.POST, "/ledgers/outfalls/import", headers: all2, body: b2)
            #expect(ok.status == .ok)
            #expect(try await LedgerItemRecord.query(on: t.db).count() == 1)
            let export = try await web.get("/ledgers/outfalls/export?format=csv")
            #expect(export.body.string.contains("A-1"))
        }
    }

    @Test func aCountyUserSeesNoOtherCountysLedgerOrItems() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            _ = try await LedgerSamples.create(t, token: token, LedgerSamples.item("临县事项", division: "141124"))
            _ = try await LedgerSamples.create(t, token: token, LedgerSamples.item("兴县事项", division: "141123"))
            var xing = LedgerSamples.definition
            xing["code"] = "xing-only"
            xing["division_code"] = "141123"
            let res = try await t.request(.POST, "/api/v1/ledgers", token: token, json: xing)
            #expect(res.status == .created)
            try await t.createUser("lin.view", role: .viewer, division: "141124")
            let web = WebClient(t)
            try await web.signIn("lin.view", password: TestApp.password)
            let index = try await web.get("/ledgers")
            #expect(index.body.string.contains("帮扶台账"))
            #expect(!index.body.string.contains("xing-only"))
            #expect(try await web.get("/ledgers/xing-only").status == .notFound)
            let list = try await web.get("/ledgers/assistance")
            #expect(list.body.string.contains("临县事项"))
            #expect(!list.body.string.contains("兴县事项"))
            #expect(!list.body.string.contains("兴县"))
            #expect(try await web.get("/ledgers/assistance/items/new").status == .forbidden)
        }
    }

    @Test func aSupervisorRevealsAResidentIDOnTheItemPageWithAReason() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let item = try await LedgerSamples.create(t, token: token, LedgerSamples.item("甲", extra: ["id_number": LedgerSamples.validID]))
            let id = try #require(item["id"] as? String)
            let path = "/ledgers/assistance/items/\(id)"
            let clear = LedgerSamples.validID
            try await t.createUser("lin.sup", role: .supervisor, division: "141124")
            try await t.createUser("lin.op", role: .operator, division: "141124")

            // An operator sees the masked number and no form; posting anyway is refused.
            let op = WebClient(t)
            try await op.signIn("lin.op", password: TestApp.password)
            let opPage = try await op.get(path)
            #expect(opPage.status == .ok)
            #expect(!opPage.body.string.contains("reveal-form"))
            #expect(!opPage.body.string.contains(clear))
            let opReveal = try await op.post(path + "/reveal", form: ["field": "id_number", "reason": "核对"])
            #expect(opReveal.status == .forbidden)
            #expect(!opReveal.body.string.contains(clear))

            let sup = WebClient(t)
            try await sup.signIn("lin.sup", password: TestApp.password)
            let page = try await sup.get(path)
            #expect(page.body.string.contains("id=\"reveal-form\""))
            #expect(!page.body.string.contains(clear))
            // No reason: the form comes back with the message, nothing revealed or audited.
            let noReason = try await sup.post(path + "/reveal", form: ["field": "id_number", "reason": "  "])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.body.string.contains("请说明查看原因"))
            #expect(!noReason.body.string.contains(clear))
            let wrongField = try await sup.post(path + "/reveal", form: ["field": "title", "reason": "核对"])
            #expect(wrongField.status == .unprocessableEntity)
            #expect(!wrongField.body.string.contains(clear))
            let audit = "/api/v1/audit?entity_id=\(id)"
            func reveals(_ res: TestingHTTPResponse) throws -> [[String: Any]] {
                (try res.json()["items"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "ledger_item.reveal" }
            }
            #expect(try reveals(try await t.request(.GET, audit, token: token)).isEmpty)

            let shown = try await sup.post(path + "/reveal", form: ["field": "id_number", "reason": "核对帮扶对象身份"])
            #expect(shown.status == .ok)
            #expect(shown.body.string.contains(clear))
            #expect(shown.headers.first(name: .cacheControl) == "no-store")
            let events = try await t.request(.GET, audit, token: token)
            let listed = try reveals(events)
            #expect(listed.count == 1)
            #expect(listed.first?["actor"] as? String == "lin.sup")
            #expect(events.body.string.contains("核对帮扶对象身份"))
            #expect(!events.body.string.contains(String(clear.dropFirst(6).prefix(8))))
            // The next visit is masked again.
            #expect(!(try await sup.get(path)).body.string.contains(clear))
        }
    }

    @Test func theVersionsPageListsEveryDefinitionChangeNewestFirst() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            let read = try await t.request(.GET, "/api/v1/ledgers/assistance", token: token)
            var body = LedgerSamples.definition
            var fields = try #require(body["fields"] as? [[String: Any]])
            fields[1]["label"] = "件数"
            body["fields"] = fields
            let saved = try await t.request(.PATCH, "/api/v1/ledgers/assistance", token: token, json: body, headers: ["If-Match": read.etag])
            #expect(saved.status == .ok, "\(saved.body.string)")
            try await t.createUser("lin.view", role: .viewer, division: "141124")
            let web = WebClient(t)
            try await web.signIn("lin.view", password: TestApp.password)
            #expect((try await web.get("/ledgers/assistance")).body.string.contains("/ledgers/assistance/versions"))
            let page = try await web.get("/ledgers/assistance/versions")
            #expect(page.status == .ok)
            let html = page.body.string
            let rows = html.components(separatedBy: "class=\"version-row\"").dropFirst()
            #expect(rows.count == 2)
            #expect(rows.first?.contains("第2版") == true && rows.first?.contains("字段「数量」改名为「件数」") == true)
            #expect(rows.last?.contains("第1版") == true && rows.last?.contains("建立台账") == true)
            #expect(html.contains("当前为第 2 版"))
            // Out of scope is the same as missing.
            var xing = LedgerSamples.definition
            xing["code"] = "xing-only"
            xing["division_code"] = "141123"
            #expect(try await t.request(.POST, "/api/v1/ledgers", token: token, json: xing).status == .created)
            #expect(try await web.get("/ledgers/xing-only/versions").status == .notFound)
        }
    }

    @Test func theListFiltersByADueDateRange() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            for (title, due) in [("六月到期", "2024-06-30"), ("八月到期", "2024-08-01"), ("没有期限", "")] {
                var body = LedgerSamples.item(title)
                if !due.isEmpty { body["due_date"] = due }
                _ = try await LedgerSamples.create(t, token: token, body)
            }
            let web = WebClient(t)
            try await web.signIn()
            let later = try await web.get("/ledgers/assistance?due_from=2024-07-01")
            #expect(later.body.string.contains("八月到期") && !later.body.string.contains("六月到期") && !later.body.string.contains("没有期限"))
            #expect(later.body.string.contains(#"name="due_from" value="2024-07-01""#))
            #expect(later.body.string.contains("due_from=2024-07-01&amp;format=csv") || later.body.string.contains("due_from=2024-07-01&format=csv"))
            let both = try await web.get("/ledgers/assistance?due_from=2024-06-30&due_to=2024-08-01")
            #expect(both.body.string.contains("六月到期") && both.body.string.contains("八月到期") && !both.body.string.contains("没有期限"))
            let reversed = try await web.get("/ledgers/assistance?due_from=2024-08-02&due_to=2024-08-01")
            #expect(reversed.body.string.contains("截止日期止不能早于截止日期起"))
            let api = try await t.request(.GET, "/api/v1/ledgers/assistance/items?due_to=2024-07-01", token: token)
            #expect((try api.json()["metadata"] as? [String: Any])?["total"] as? Int == 1)
            let bad = try await t.request(.GET, "/api/v1/ledgers/assistance/items?due_to=soon", token: token)
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.problemFields() == ["due_to"])
        }
    }
}
