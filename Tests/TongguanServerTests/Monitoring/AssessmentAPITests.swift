import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct AssessmentAPITests {
    typealias W = WorkflowFixture
    typealias F = RegistryFixture

    @Test func anAssessmentComputesPerCapitaAndKeepsItsMemberCount() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let child = F.id(2, born: 2014)
            let code = try await W.household(t, token: token, n: 1, members: [F.member(child, name: "王小明", school: "compulsory")])
            var body = W.assessment("2024-06-01", wagesYuan: 15000, medicalYuan: 100, costsYuan: 1000)
            body["business_fen"] = 1
            body["assessed_by"] = "李干部"
            let res = try await t.request(.POST, "/api/v1/households/\(code)/assessments", token: token, json: body)
            #expect(res.status == .created, "\(res.text)")
            let a = try res.json()
            #expect(a["net_income_fen"] as? Int == 1_400_001 && a["member_count"] as? Int == 2)
            #expect(a["per_capita_fen"] as? Int == 700_000)  // 700,000.5 truncated
            #expect(a["assessed_by"] as? String == "李干部" && a["medical_fen"] as? Int == 10_000 && a["production_costs_fen"] as? Int == 100_000)
            let warnings = try #require(a["warnings"] as? [[String: Any]])
            #expect(warnings.map { $0["rule"] as? String } == ["below_line"])
            let facts = try #require(warnings[0]["facts"] as? [String: Any])
            #expect((facts["figures"] as? [[String: Any]])?.first { $0["code"] as? String == "line_fen" }?["value"] as? Int == 850_000)

            // A later member does not change the stored count.
            let added = try await t.request(
                .POST, "/api/v1/households/\(code)/members", token: token, json: F.member(F.id(3, born: 1972), name: "张桂兰", relation: "spouse"))
            #expect(added.status == .created)
            let list = try await t.request(.GET, "/api/v1/households/\(code)/assessments", token: token).json()
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["member_count"] as? Int == 2 && items[0]["per_capita_fen"] as? Int == 700_000)
            #expect(items[0]["warnings"] == nil)

            // The default assessor is the user who recorded it.
            let second = try await W.assess(t, token: token, code: code, W.assessment("2024-07-01", wagesYuan: 30000))
            #expect(second["assessed_by"] as? String == "admin" && second["member_count"] as? Int == 3)
            let newest = try await t.request(.GET, "/api/v1/households/\(code)/assessments?per=1", token: token).json()
            #expect((newest["items"] as? [[String: Any]])?.first?["assessed_on"] as? String == "2024-07-01")
            #expect((newest["metadata"] as? [String: Any])?["total"] as? Int == 2)
        }
    }

    @Test func refusalsNameWhatIsWrong() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let code = try await W.household(t, token: token, n: 1)
            let noLine = try await t.request(
                .POST, "/api/v1/households/\(code)/assessments", token: token, json: W.assessment("2021-06-01", wagesYuan: 1))
            #expect(try noLine.status == .conflict && W.conditions(noLine) == ["monitoring_line"])
            #expect(noLine.text.contains("2021年") && noLine.text.contains("测试村一(141124100201)"))
            try await W.assess(t, token: token, code: code, W.assessment("2024-06-01", wagesYuan: 1))
            let twice = try await t.request(
                .POST, "/api/v1/households/\(code)/assessments", token: token, json: W.assessment("2024-06-01", wagesYuan: 2))
            #expect(twice.status == .conflict && twice.text.contains("2024年6月1日"))
            var bad = W.assessment("2999-01-01", wagesYuan: 1)
            bad["wages_fen"] = -1
            bad["medical_fen"] = 1.5
            bad["housing_safe"] = "是"
            bad.removeValue(forKey: "water_safe")
            let invalid = try await t.request(.POST, "/api/v1/households/\(code)/assessments", token: token, json: bad)
            #expect(invalid.status == .unprocessableEntity)
            #expect(Set(try invalid.problemFields()) == ["assessed_on", "wages_fen", "medical_fen", "housing_safe", "water_safe"], "\(invalid.text)")
            let future = try await t.request(
                .POST, "/api/v1/households/\(code)/assessments", token: token, json: W.assessment("2199-01-01", wagesYuan: 1))
            #expect(try future.problemFields() == ["assessed_on"] && future.text.contains("晚于今天"))
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = try await t.request(
                .POST, "/api/v1/households/\(code)/assessments", token: try await t.token("lin.viewer"),
                json: W.assessment("2024-07-01", wagesYuan: 1))
            #expect(viewer.status == .forbidden)
            let typo = String(code.dropLast()) + (code.last == "1" ? "2" : "1")
            #expect(try await t.request(.GET, "/api/v1/households/\(typo)/assessments", token: token).status == .notFound)
        }
    }

    @Test func warningsAreRaisedSupersededAndResolvedByLaterAssessments() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let child = F.id(2, born: 2014)
            let code = try await W.household(t, token: token, n: 1, members: [F.member(child, name: "王小明", school: "compulsory")])
            func rules(_ a: [String: Any]) -> [String] { (a["warnings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }

            #expect(rules(try await W.assess(t, token: token, code: code, W.assessment("2024-03-01", wagesYuan: 40000))) == [])
            let drop = try await W.assess(t, token: token, code: code, W.assessment("2024-06-01", wagesYuan: 15000))
            #expect(rules(drop) == ["below_line", "income_drop"])
            let near = try await W.assess(t, token: token, code: code, W.assessment("2024-09-01", wagesYuan: 20000))
            #expect(rules(near) == ["near_line"])
            let history = try await W.warnings(t, token: token, "household=\(code)")
            func status(_ rule: String, _ date: String) -> String? {
                history.first { $0["rule"] as? String == rule && $0["assessed_on"] as? String == date }?["status"] as? String
            }
            #expect(status("below_line", "2024-06-01") == "resolved" && status("income_drop", "2024-06-01") == "resolved")
            #expect(status("near_line", "2024-09-01") == "open")
            let auto = try #require(history.first { $0["rule"] as? String == "below_line" })
            #expect((auto["note"] as? String)?.contains("自动解除") == true && auto["closed_on"] as? String != nil)
            let facts = try #require(history.first { $0["rule"] as? String == "income_drop" }?["facts"] as? [String: Any])
            #expect(facts["previous_assessed_on"] as? String == "2024-03-01")

            // The same rule raised again supersedes the open warning; one open per rule.
            _ = try await W.assess(t, token: token, code: code, W.assessment("2024-10-01", wagesYuan: 21000))
            let open = try await W.warnings(t, token: token, "household=\(code)&status=open")
            #expect(open.map { "\($0["rule"]!)@\($0["assessed_on"]!)" } == ["near_line@2024-10-01"])
            #expect(try await W.warnings(t, token: token, "household=\(code)&status=superseded").count == 1)

            // A back-dated assessment keeps its warnings as history only.
            let old = try await W.assess(t, token: token, code: code, W.assessment("2024-01-01", wagesYuan: 10000))
            #expect((old["warnings"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "superseded" } == true)
            #expect(try await W.warnings(t, token: token, "household=\(code)&status=open").count == 1)

            // large_expense and basic_needs with masked member references.
            let other = try await W.household(
                t, token: token, n: 5, members: [F.member(F.id(6, born: 2014), name: "李小花", school: "none")])
            let expense = try await W.assess(
                t, token: token, code: other, W.assessment("2024-06-01", wagesYuan: 40000, medicalYuan: 20001, housing: false))
            #expect(rules(expense) == ["large_expense", "basic_needs"])
            let needs = try #require((expense["warnings"] as? [[String: Any]])?.last?["facts"] as? [String: Any])
            let findings = try #require(needs["findings"] as? [[String: Any]])
            #expect(findings.map { $0["code"] as? String } == ["housing_unsafe", "not_in_compulsory_education"])
            #expect(findings[1]["member"] as? String == PersonalData.residentID.mask(F.id(6, born: 2014)))
            let listed = try await t.request(.GET, "/api/v1/monitoring/warnings?household=\(other)", token: token)
            #expect(!listed.text.contains(F.id(6, born: 2014)) && !listed.text.contains(F.id(5, born: 1970)))

            // Filters.
            #expect(try await W.warnings(t, token: token, "rule=basic_needs").count == 1)
            #expect(try await W.warnings(t, token: token, "assessed_on=2024-06-01&division=141124").count == 4)
            #expect(try await W.warnings(t, token: token, "division=141123").isEmpty)
            let bad = try await t.request(.GET, "/api/v1/monitoring/warnings?rule=x&status=y&assessed_on=z&per=0", token: token)
            #expect(Set(try bad.problemFields()) == ["rule", "status", "assessed_on", "per"])
        }
    }

    @Test func warningsAreResolvedWithANoteAndScansAreIdempotent() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let child = F.id(2, born: 2014)
            let code = try await W.household(t, token: token, n: 1, members: [F.member(child, name: "王小明", school: "compulsory")])
            let a = try await W.assess(t, token: token, code: code, W.assessment("2024-06-01", wagesYuan: 15000))
            let id = try #require((a["warnings"] as? [[String: Any]])?.first?["id"] as? String)
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let viewer = try await t.token("lin.viewer"), op = try await t.token("lin.op")
            #expect(try await t.request(.POST, "/api/v1/monitoring/warnings/\(id)/resolve", token: viewer, json: ["note": "x"]).status == .forbidden)
            let empty = try await t.request(.POST, "/api/v1/monitoring/warnings/\(id)/resolve", token: op, json: ["note": "  "])
            #expect(try empty.status == .unprocessableEntity && empty.problemFields() == ["note"])
            let done = try await t.request(.POST, "/api/v1/monitoring/warnings/\(id)/resolve", token: op, json: ["note": "经核实已就业"])
            #expect(try done.status == .ok && done.json()["status"] as? String == "resolved" && done.json()["note"] as? String == "经核实已就业")
            let again = try await t.request(.POST, "/api/v1/monitoring/warnings/\(id)/resolve", token: op, json: ["note": "再次"])
            #expect(again.status == .conflict)
            #expect(try await t.request(.GET, "/api/v1/monitoring/warnings/\(id)", token: viewer).status == .ok)
            #expect(try await t.request(.GET, "/api/v1/monitoring/warnings/\(UUID())", token: viewer).status == .notFound)

            // Scans: nothing new, then today's registry shows an uninsured member, once.
            #expect(try await t.request(.POST, "/api/v1/monitoring/scan", token: op).status == .forbidden)
            let first = try await t.request(.POST, "/api/v1/monitoring/scan", token: token).json()
            #expect(first["households"] as? Int == 1 && first["raised"] as? Int == 0 && first["without_line"] as? Int == 0)
            let household = try await t.request(.GET, "/api/v1/households/\(code)", token: token).json()
            let childID = try #require((household["members"] as? [[String: Any]])?.first { $0["relation"] as? String == "child" }?["id"] as? String)
            let patched = try await t.request(
                .PATCH, "/api/v1/members/\(childID)", token: token, json: ["basic_medical_insurance": false], headers: ["If-Match": "*"])
            #expect(patched.status == .ok, "\(patched.text)")
            let second = try await t.request(.POST, "/api/v1/monitoring/scan", token: token).json()
            #expect(second["raised"] as? Int == 1)
            let third = try await t.request(.POST, "/api/v1/monitoring/scan", token: token).json()
            #expect(third["raised"] as? Int == 0 && third["resolved"] as? Int == 0)
            let needs = try await W.warnings(t, token: token, "rule=basic_needs")
            let finding = try #require(((needs.first?["facts"] as? [String: Any])?["findings"] as? [[String: Any]])?.first)
            #expect(finding["code"] as? String == "no_basic_medical_insurance" && finding["member"] as? String == PersonalData.residentID.mask(child))
            // The manually resolved warning stays resolved.
            #expect(try await W.warnings(t, token: token, "rule=below_line").first?["status"] as? String == "resolved")
        }
    }
}
