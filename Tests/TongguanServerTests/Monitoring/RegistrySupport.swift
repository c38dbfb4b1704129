import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Builders for registry tests: valid resident IDs (check characters computed here from the
/// published weights), the villages the tests use, and households made through the API.
enum RegistryFixture {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checks = Array("10X98765432")

    /// `address` (6 digits) + `birth` (YYYYMMDD) + `sequence` (3 digits) + check character.
    static func residentID(_ address: String = "141124", _ birth: String, _ sequence: Int) -> String {
        let body = address + birth + String(format: "%03d", sequence % 1000)
        let sum = zip(body.map { Int(String($0))! }, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(checks[sum % 11])
    }

    /// The `n`th distinct ID of a test run (birth dates spread over 1950–1999).
    static func id(_ n: Int, address: String = "141124", born year: Int? = nil) -> String {
        let y = year ?? (1950 + n % 50)
        let birth = String(format: "%04d%02d%02d", y, 1 + (n / 50) % 12, 1 + (n / 600) % 28)
        return residentID(address, birth, n % 1000)
    }

    /// 临县 临泉镇 and two of its villages, 兴县 and 离石区 one village each.
    static let villages: [(String, String)] = [
        ("141124100", "临泉镇"), ("141124100201", "测试村一"), ("141124100202", "测试村二"),
        ("141123100", "蔚汾镇"), ("141123100201", "兴县测试村"),
        ("141102001", "西属巴街道"), ("141102001201", "离石测试村"),
    ]

    static let linVillage = "141124100201"
    static let linVillage2 = "141124100202"
    static let xingVillage = "141123100201"
    static let lishiVillage = "141102001201"

    static func addVillages(_ t: TestApp) async throws {
        try await t.db.audited(by: AuditActor(name: "test", requestID: "t", clientAddress: "local")) { tx, audit in
            for (code, name) in villages { _ = try await DivisionService.upsert(code: DivisionCode(code)!, name: name, on: tx, audit: audit) }
        }
    }

    static func head(_ id: String, name: String = "王建国") -> [String: any Sendable] {
        [
            "name": name, "resident_id": id, "labour_capacity": "full", "disability": false, "chronic_illness": false,
            "school_stage": "none", "work_status": "farming", "basic_medical_insurance": true,
        ]
    }

    static func member(_ id: String, name: String, relation: String = "child", school: String = "none") -> [String: any Sendable] {
        var m = head(id, name: name)
        m["relation"] = relation
        m["school_stage"] = school
        return m
    }

    /// Creates a household through the API; answers its JSON.
    @discardableResult
    static func household(
        _ t: TestApp, token: String, village: String = linVillage, headID: String, headName: String = "王建国",
        members: [[String: any Sendable]] = []
    ) async throws -> [String: Any] {
        let res = try await t.request(
            .POST, "/api/v1/households", token: token,
            json: ["division_code": village, "address": "临泉镇一号", "phone": "13912345678", "head": head(headID, name: headName)])
        try #require(res.status == .created, "\(res.body.string)")
        let code = try #require(try res.json()["household_code"] as? String)
        for m in members {
            let added = try await t.request(.POST, "/api/v1/households/\(code)/members", token: token, json: m)
            try #require(added.status == .created, "\(added.body.string)")
        }
        let show = try await t.request(.GET, "/api/v1/households/\(code)", token: token)
        return try show.json()
    }

    /// A key for tests that need one they can name (rotation, the key file).
    static func key() -> String { DataKey.generate().base64 }
}

extension TestingHTTPResponse {
    var text: String { body.string }
}

/// Member sheets for import tests.
enum MemberRows {
    static func row(
        _ name: String, _ id: String, head: String? = nil, village: String = RegistryFixture.linVillage, relation: String = "户主",
        labour: String = "有", school: String = "无", work: String = "务农", phone: String = "", address: String = ""
    ) -> [String] {
        [name, id, head ?? id, village, relation, labour, "否", "否", school, work, "是", phone, address]
    }

    static func csv(_ rows: [[String]], notice: Bool = false) -> Data {
        var lines = notice ? [MemberSheet.personalDataNotice(withIDs: true)] : []
        lines.append(MemberSheet.header.joined(separator: ","))
        lines += rows.map { CSVParser.line($0) }
        return Data(lines.joined(separator: "\r\n").utf8)
    }

    /// `count` households of `size` members each in `village`, IDs from `start`.
    static func households(
        _ count: Int, size: Int = 3, village: String = RegistryFixture.linVillage, start: Int = 1000
    ) -> (rows: [[String]], ids: [String]) {
        var rows: [[String]] = []
        var ids: [String] = []
        for h in 0..<count {
            let head = RegistryFixture.id(start + h * size, born: 1960 + h % 20)
            ids.append(head)
            rows.append(row("户主\(h)", head, village: village, phone: "1391234\(String(format: "%04d", h % 10000))", address: "第\(h)号"))
            for m in 1..<size {
                let id = RegistryFixture.id(start + h * size + m, born: 1990 + m)
                ids.append(id)
                rows.append(row("成员\(h)-\(m)", id, head: head, village: village, relation: m == 1 ? "配偶" : "子女", labour: "弱"))
            }
        }
        return (rows, ids)
    }
}

extension TestApp {
    func importMembers(_ data: Data, token: String, dryRun: Bool = false) async throws -> TestingHTTPResponse {
        try await importFile("/api/v1/households/import" + (dryRun ? "?dry_run=true" : ""), data, token: token)
    }
}
