import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The assessment sheet: rows found by the head's blind index, recorded through the same
/// service as the API (warnings included), all or nothing, re-import a no-op, scope.
@Suite struct AssessmentImportTests {
    typealias W = WorkflowFixture
    typealias F = RegistryFixture

    /// A sheet row: head ID, date, wages in 元 as written, the rest as given.
    static func row(
        _ head: String, _ date: String, wages: String, business: String = "0", property: String = "0", transfer: String = "0",
        costs: String = "0", medical: String = "0", education: String = "0", housing: String = "是", water: String = "是"
    ) -> [String] {
        [head, date, wages, business, property, transfer, costs, medical, education, housing, water]
    }

    /// The sheet's message for an amount the platform's parser refuses.
    static func fenMessage(_ raw: String) -> String {
        do {
            _ = try Fen.fromYuan(raw)
            return "accepted"
        } catch { return AssessmentSheet.amountMessage(error) }
    }

    struct AuditRow: Decodable { var action: String; var entity_id: String; var changes: String }

    static func auditTrail(_ t: TestApp) async throws -> [AuditRow] {
        try await t.sql.select().columns("action", "entity_id", "changes").from("audit_events").all(decoding: AuditRow.self)
    }

    static func csv(_ rows: [[String]], header: [String] = AssessmentSheet.header) -> Data {
        Data(([header] + rows).map { CSVParser.line($0) }.joined(separator: "\r\n").utf8)
    }

    static func importSheet(_ t: TestApp, _ data: Data, token: String, dryRun: Bool = false) async throws -> TestingHTTPResponse {
        try await t.importFile("/api/v1/assessments/import" + (dryRun ? "?dry_run=true" : ""), data, token: token)
    }

    static func assessments(_ t: TestApp, token: String, code: String) async throws -> [[String: Any]] {
        let res = try await t.request(.GET, "/api/v1/households/\(code)/assessments", token: token)
        try #require(res.status == .ok, "\(res.text)")
        return try #require(try res.json()["items"] as? [[String: Any]])
    }

    /// `rule:status` of a household's warnings, sorted.
    static func warningStates(_ t: TestApp, token: String, code: String) async throws -> [String] {
        let items = try await W.warnings(t, token: token, "per=100")
        return items.filter { $0["household_code"] as? String == code }
            .map { "\($0["assessed_on"] as? String ?? ""):\($0["rule"] as? String ?? ""):\($0["status"] as? String ?? "")" }.sorted()
    }

    @Test func aGoodFileRecordsAssessmentsWithTheirWarningsAndReimportingChangesNothing() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let low = try await W.household(t, token: token, n: 1)
            let well = try await W.household(t, token: token, n: 2)
            let viaAPI = try await W.household(t, token: token, n: 3)
            let lowID = F.id(1, born: 1970), wellID = F.id(2, born: 1970)
            // Later row first in the file: the import records them oldest first.
            let rows = [
                Self.row(lowID, "2024-08-01", wages: "9000"),
                Self.row(lowID, "2024/5/1", wages: "5,000.50", medical: "3000", housing: "否"),
                Self.row(wellID, "2024年5月1日", wages: "20000", business: "1000.05", costs: "500"),
            ]
            let file = Self.csv(rows)
            let first = try await Self.importSheet(t, file, token: token)
            #expect(first.status == .ok, "\(first.text)")
            let report = try first.json()
            #expect(report["applied"] as? Bool == true && report["rows"] as? Int == 3)
            #expect(report["assessments_created"] as? Int == 3 && report["assessments_unchanged"] as? Int == 0)
            #expect((report["warnings_raised"] as? Int ?? 0) >= 3 && (report["warnings_resolved"] as? Int ?? 0) >= 1)
            #expect(!first.text.contains(lowID) && !first.text.contains(wellID))

            // Amounts exact in 分; newest first; net and per-capita computed with the members.
            let stored = try await Self.assessments(t, token: token, code: low)
            #expect(stored.map { $0["assessed_on"] as? String } == ["2024-08-01", "2024-05-01"])
            #expect(stored[1]["wages_fen"] as? Int == 500_050 && stored[1]["medical_fen"] as? Int == 300_000)
            #expect(stored[1]["housing_safe"] as? Bool == false && stored[1]["per_capita_fen"] as? Int == 500_050)
            #expect(stored[1]["assessed_by"] as? String == "admin")
            let wellStored = try await Self.assessments(t, token: token, code: well)
            #expect(wellStored.first?["net_income_fen"] as? Int == 2_000_000 + 100_005 - 50_000)

            // The same rows through the API raise and close the same warnings.
            try await W.assess(
                t, token: token, code: viaAPI,
                [
                    "assessed_on": "2024-05-01", "wages_fen": 500_050, "business_fen": 0, "property_fen": 0, "transfer_fen": 0,
                    "production_costs_fen": 0, "medical_fen": 300_000, "education_fen": 0, "housing_safe": false, "water_safe": true,
                ])
            try await W.assess(t, token: token, code: viaAPI, W.assessment("2024-08-01", wagesYuan: 9000))
            let imported = try await Self.warningStates(t, token: token, code: low)
            let throughAPI = try await Self.warningStates(t, token: token, code: viaAPI)
            #expect(imported == throughAPI)
            #expect(imported.contains("2024-05-01:below_line:resolved") && imported.contains("2024-08-01:near_line:open"), "\(imported)")
            #expect(imported.contains("2024-05-01:basic_needs:resolved"), "\(imported)")

            // The same file again: nothing changes, no warning raised.
            let again = try await Self.importSheet(t, file, token: token)
            #expect(again.status == .ok, "\(again.text)")
            let second = try again.json()
            #expect(second["assessments_created"] as? Int == 0 && second["assessments_unchanged"] as? Int == 3)
            #expect(second["warnings_raised"] as? Int == 0 && second["warnings_resolved"] as? Int == 0)
            #expect(try await Self.assessments(t, token: token, code: low).count == 2)
            #expect(try await Self.warningStates(t, token: token, code: low) == imported)

            // A dry run reports what it would do and writes nothing.
            let later = Self.csv([Self.row(wellID, "2024-10-01", wages: "3000")])
            let dry = try await Self.importSheet(t, later, token: token, dryRun: true)
            let dryReport = try dry.json()
            #expect(dry.status == .ok && dryReport["applied"] as? Bool == false && dryReport["assessments_created"] as? Int == 1)
            #expect(try await Self.assessments(t, token: token, code: well).count == 1)
            #expect(try await Self.warningStates(t, token: token, code: well).isEmpty)

            // GB18030 CSV and XLSX read the same.
            let text = ([AssessmentSheet.header, Self.row(wellID, "2024-10-01", wages: "3000")]).map { CSVParser.line($0) }.joined(separator: "\r\n")
            let gb = try await Self.importSheet(t, try #require(TextEncoding.encodeGB18030(text)), token: token)
            #expect(gb.status == .ok, "\(gb.text)")
            #expect(try gb.json()["assessments_created"] as? Int == 1)
            let xlsx = try SheetFile.write([AssessmentSheet.header, Self.row(wellID, "2024-11-01", wages: "12345.67")], format: .xlsx)
            let fromXLSX = try await Self.importSheet(t, xlsx, token: token)
            #expect(fromXLSX.status == .ok, "\(fromXLSX.text)")
            #expect(try fromXLSX.json()["assessments_created"] as? Int == 1)
            #expect(try await Self.assessments(t, token: token, code: well).first?["wages_fen"] as? Int == 1_234_567)
            let wellStates = try await Self.warningStates(t, token: token, code: well)
            #expect(wellStates.contains("2024-10-01:below_line:resolved") && wellStates.contains("2024-11-01:near_line:open"), "\(wellStates)")

            // The import is one audit event beside each assessment's own.
            #expect(try await Self.auditTrail(t).filter { $0.action == "assessments.import" }.count == 4)
        }
    }

    /// Every problem a row can have without the database, by row and column; nothing imported.
    @Test func everyBadRowIsListedWithItsRowColumnAndReason() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let code = try await W.household(t, token: token, n: 1)
            let head = F.id(1, born: 1970)
            var badID = head
            badID.removeLast()
            badID += head.hasSuffix("0") ? "1" : "0"
            let badIDMessage: String
            do {
                _ = try ResidentID.validate(badID)
                badIDMessage = "accepted"
            } catch let problem as ResidentID.Problem { badIDMessage = problem.message }
            let rows = [
                Self.row(head, "2024-05-01", wages: "5000"),
                Self.row(badID, "2024-05-02", wages: "5000"),
                Self.row(head, "2024-13-01", wages: "5000"),
                Self.row(head, "2024-05-03", wages: "12.345", business: "-5"),
                Self.row(head, "2024-05-04", wages: "1", property: "", housing: "有"),
                Self.row(head, "2024-05-01", wages: "6000"),
                Self.row(head, "2099-01-01", wages: "1", water: ""),
                Self.row(head, "2024-05-05", wages: "abc"),
            ]
            let res = try await Self.importSheet(t, Self.csv(rows), token: token)
            #expect(res.status == .unprocessableEntity)
            let problem = try res.json()
            let listed = Set(
                (problem["rows"] as? [[String: Any]] ?? []).map {
                    "\($0["row"] as? Int ?? 0)|\($0["column"] as? String ?? "")|\($0["message"] as? String ?? "")"
                })
            let expected: Set<String> = [
                "3|户主身份证号|" + badIDMessage,
                "4|评估日期|日期应为 2021-07-16、2021/7/16 或 2021年7月16日",
                "5|工资性收入(元)|" + Self.fenMessage("12.345"),
                "5|经营性收入(元)|" + Self.fenMessage("-5"),
                "6|财产性收入(元)|不能为空,没有此项请填0",
                "6|住房安全|应填写“是”或“否”",
                "7|评估日期|与第2行的户主和评估日期相同,同一户同一日期只能有一条评估",
                "8|评估日期|评估日期不能晚于今天",
                "8|饮水安全|应填写“是”或“否”",
                "9|工资性收入(元)|金额格式不正确,应为数字(单位:元)",
            ]
            #expect(listed == expected, "\(listed.subtracting(expected)) vs \(expected.subtracting(listed))")
            #expect(problem["row_count"] as? Int == expected.count)
            #expect(!res.text.contains(head) && !res.text.contains(badID))
            // Nothing imported, not even the good row.
            #expect(try await Self.assessments(t, token: token, code: code).isEmpty)

            // A header without its columns names each missing one (row 1).
            let header = try await Self.importSheet(t, Self.csv([], header: Array(AssessmentSheet.header.dropLast(2))), token: token)
            #expect(header.status == .unprocessableEntity)
            let missing = (try header.json()["rows"] as? [[String: Any]] ?? []).map { "\($0["row"] as? Int ?? 0)|\($0["column"] as? String ?? "")" }
            #expect(missing == ["1|住房安全", "1|饮水安全"])
            // An empty file and a header alone are refused too.
            #expect(try await Self.importSheet(t, Data(" ".utf8), token: token).status == .unprocessableEntity)
            #expect(try await Self.importSheet(t, Self.csv([]), token: token).status == .unprocessableEntity)
        }
    }

    /// Problems found against the stored data: an unknown head and a head out of scope read
    /// alike, a year without a line names year and division, a stored assessment with other
    /// figures; all or nothing.
    @Test func storedDataProblemsAndScopeRefuseTheWholeFile() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            try await W.setLine(t, token: admin, year: 2024, yuan: 8500)
            let mine = try await W.household(t, token: admin, n: 1)
            let other = try await W.household(t, token: admin, n: 2)
            let xing = try await W.household(t, token: admin, n: 3, village: F.xingVillage)
            let xingHead = F.id(3, born: 1970)
            _ = xing
            try await W.assess(t, token: admin, code: other, W.assessment("2024-04-01", wagesYuan: 20000))
            try await t.createUser("lin.editor", role: .operator, division: "141124")
            let editor = try await t.token("lin.editor")
            let stranger = F.id(77, born: 1980)
            let rows = [
                Self.row(F.id(1, born: 1970), "2024-05-01", wages: "5000"),
                Self.row(stranger, "2024-05-01", wages: "5000"),
                Self.row(xingHead, "2024-05-01", wages: "5000"),
                Self.row(F.id(1, born: 1970), "2023-05-01", wages: "5000"),
                Self.row(F.id(2, born: 1970), "2024-04-01", wages: "20001"),
                Self.row(F.id(2, born: 1970), "2024-06-01", wages: "20000"),
            ]
            let res = try await Self.importSheet(t, Self.csv(rows), token: editor)
            #expect(res.status == .unprocessableEntity, "\(res.text)")
            let listed = (try res.json()["rows"] as? [[String: Any]] ?? []).map {
                "\($0["row"] as? Int ?? 0)|\($0["column"] as? String ?? "")|\($0["message"] as? String ?? "")"
            }
            #expect(
                listed == [
                    "3|户主身份证号|" + AssessmentImport.unknownHead, "4|户主身份证号|" + AssessmentImport.unknownHead,
                    "5|评估日期|2023年没有适用于测试村一(141124100201)的监测收入线,请先设置该年度的监测收入线",
                    "6|评估日期|该户已有2024年4月1日的收入评估,数值与本行不同;已登记的评估不能修改",
                ], "\(listed)")
            #expect(!res.text.contains(stranger) && !res.text.contains(xingHead))
            // Nothing written: neither the good first row nor the later one of household 2.
            #expect(try await Self.assessments(t, token: admin, code: mine).isEmpty)
            #expect(try await Self.assessments(t, token: admin, code: other).count == 1)
            #expect(try await Self.warningStates(t, token: admin, code: mine).isEmpty)
            #expect(try await Self.auditTrail(t).filter { $0.action == "assessments.import" }.isEmpty)

            // The admin (city scope) may import the 兴县 row; a viewer may not import at all.
            let city = try await Self.importSheet(t, Self.csv([Self.row(xingHead, "2024-05-01", wages: "5000")]), token: admin)
            #expect(city.status == .ok, "\(city.text)")
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = try await t.token("lin.viewer")
            #expect(
                try await Self.importSheet(t, Self.csv([Self.row(F.id(1, born: 1970), "2024-05-01", wages: "5000")]), token: viewer).status
                    == .forbidden)
            // Audit values never hold the clear ID.
            let values = try await Self.auditTrail(t).map { "\($0.action) \($0.entity_id) \($0.changes)" }.joined(separator: "\n")
            #expect(!values.contains(xingHead) && !values.contains(stranger) && values.contains("assessments.import"))
        }
    }
}
