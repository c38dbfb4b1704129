import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct ProjectTransferTests {
    func summary(_ t: TestApp, _ token: String) async throws -> [[String: Any]] {
        try #require(try await t.request(.GET, "/api/v1/projects/summary?group_by=division", token: token).json()["rows"] as? [[String: Any]])
    }

    /// Export from one database and import into another, for each format, over the API.
    @Test(arguments: ["format=csv", "format=csv&encoding=gb18030", "format=xlsx"])
    func exportReimportsOverTheAPI(query: String) async throws {
        let (file, before) = try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            let token = try await t.adminToken()
            let res = try await t.request(.GET, "/api/v1/projects/export?\(query)", token: token)
            #expect(res.status == .ok)
            #expect(res.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            return (Data(buffer: res.body), try await summary(t, token))
        }
        if query.contains("gb18030") { #expect(String(data: file, encoding: .utf8) == nil, "GB18030 bytes are not UTF-8") }
        try await TestApp.with { t in
            let token = try await t.adminToken()
            var headers = HTTPHeaders()
            headers.contentType = .binary
            headers.bearerAuthorization = BearerAuthorization(token: token)
            let dry = try await t.app.testing().sendRequest(
                .POST, "/api/v1/projects/import?dry_run=true&create_rounds=true", headers: headers, body: ByteBuffer(data: file))
            #expect(dry.status == .ok, "\(dry.body.string.prefix(500))")
            #expect(try await Project.query(on: t.db).count() == 0)
            let res = try await t.app.testing().sendRequest(
                .POST, "/api/v1/projects/import?create_rounds=true", headers: headers, body: ByteBuffer(data: file))
            #expect(res.status == .ok, "\(res.body.string.prefix(500))")
            #expect(try res.json()["applied"] as? Bool == true)
            let after = try await summary(t, token)
            #expect(after.count == before.count)
            for (a, b) in zip(after, before) {
                #expect(a["count"] as? Int == b["count"] as? Int)
                #expect(a["total_investment_fen"] as? Int == b["total_investment_fen"] as? Int)
                #expect(a["group"] as? String == b["group"] as? String)
            }
        }
    }

    @Test func aBadFileIs422WithEveryRow() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let csv =
                ProjectSheet.Column.allCases.map(\.rawValue).joined(separator: ",") + "\n"
                + "甲,公司,BAD,141124,,白酒,1,1,2021-07-16,,,,,,,,\n"
                + "乙,公司,91350100M000100Y43,141124,,白酒,x,1,2021-07-16,,,,,,,,\n"
            let res = try await t.request(.POST, "/api/v1/projects/import", token: token, raw: csv, headers: ["Content-Type": "text/csv"])
            #expect(res.status == .unprocessableEntity)
            #expect(res.isProblem)
            let rows = try #require(try res.json()["rows"] as? [[String: Any]])
            #expect(rows.map { $0["row"] as? Int } == [2, 3])
            #expect(rows.map { $0["column"] as? String } == ["统一社会信用代码", "总投资(万元)"])
            #expect(try await Project.query(on: t.db).count() == 0)
        }
    }

    @Test func exportHoldsOnlyTheCallerScope() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            try await t.createUser("lin.view", role: .viewer, division: "141124")
            let res = try await t.request(.GET, "/api/v1/projects/export?format=csv", token: try await t.token("lin.view"))
            let rows = try SheetFile.read(Data(buffer: res.body)).dropFirst()
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { $0.cells[3].text == "141124" })
        }
    }

    @Test func uploadFormShowsEveryBadRow() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            let csv =
                ProjectSheet.Column.allCases.map(\.rawValue).joined(separator: ",") + "\n"
                + "甲,公司,BAD,141124,,白酒,1,1,2021-07-16,,,,,,,,\n"
            let boundary = "----tongguan-test"
            var body = ""
            for (name, value) in ["csrf_token": web.csrf ?? "", "dry_run": "on"] {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            body +=
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            headers.replaceOrAdd(name: .accept, value: "text/html")
            headers.replaceOrAdd(name: .cookie, value: web.cookie ?? "")
            let res = try await t.app.testing().sendRequest(.POST, "/projects/import", headers: headers, body: ByteBuffer(string: body))
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains("class=\"import-problem\""))
            #expect(res.body.string.contains("统一社会信用代码应为18位"))
        }
    }
}
