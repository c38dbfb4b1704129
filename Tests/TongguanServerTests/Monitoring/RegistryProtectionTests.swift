import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The protection test: members with known clear IDs, imported from a file and added
/// through the API, then every place an ID could leak is searched for each of them, in every
/// form it could take (text, UTF-16, the 17-digit body as a 64-bit integer): the database file
/// and its WAL and a backup on SQLite, a `pg_dump` on PostgreSQL; every answer, header and URL
/// of the session (errors included), the audit trail and the default export.
@Suite struct RegistryProtectionTests {
    typealias F = RegistryFixture

    /// The byte patterns one clear ID may leave behind.
    static func forms(of id: String) -> [(String, Data)] {
        var forms: [(String, Data)] = [("text", Data(id.utf8)), ("lower", Data(id.lowercased().utf8))]
        forms.append(("utf16le", id.data(using: .utf16LittleEndian)!))
        forms.append(("utf16be", id.data(using: .utf16BigEndian)!))
        forms.append(("body", Data(id.prefix(17).utf8)))
        if let body = UInt64(id.prefix(17)) {
            forms.append(("int64le", withUnsafeBytes(of: body.littleEndian) { Data($0) }))
            forms.append(("int64be", withUnsafeBytes(of: body.bigEndian) { Data($0) }))
        }
        if let whole = UInt64(id) {
            forms.append(("int64le-18", withUnsafeBytes(of: whole.littleEndian) { Data($0) }))
            forms.append(("int64be-18", withUnsafeBytes(of: whole.bigEndian) { Data($0) }))
        }
        return forms
    }

    /// The (id, form) pairs found in `data`.
    static func leaks(_ ids: [String], in data: Data) -> [String] {
        var found: [String] = []
        for id in ids {
            for (name, pattern) in forms(of: id) where data.range(of: pattern) != nil { found.append("\(id) as \(name)") }
        }
        return found
    }

    @Test func noClearIDAtRestInAnswersURLsAuditOrExport() async throws {
        let target = TestApp.makeTarget()
        do {
            try await check(target)
            await TestApp.cleanUp(target)
        } catch {
            await TestApp.cleanUp(target)
            throw error
        }
    }

    func check(_ target: Settings.DatabaseTarget) async throws {
        let (rows, imported) = MemberRows.households(6, size: 3, start: 3000)
        let byAPI = [F.id(3900), F.id(3901)]
        let ids = imported + byAPI
        let names = ["欧阳娜娜", "王二小"]
        try await TestApp.run(target: target) { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            var answers: [TestingHTTPResponse] = []
            var urls: [String] = []
            func call(_ method: HTTPMethod, _ url: String, token: String = admin, json: [String: Any]? = nil) async throws -> TestingHTTPResponse {
                urls.append(url)
                let res = try await t.request(method, url, token: token, json: json)
                answers.append(res)
                return res
            }
            // A file of members, imported (a dry run first), and a household made through the API.
            urls.append("/api/v1/households/import?dry_run=true")
            answers.append(try await t.importMembers(MemberRows.csv(rows), token: admin, dryRun: true))
            urls.append("/api/v1/households/import")
            let imported = try await t.importMembers(MemberRows.csv(rows), token: admin)
            #expect(imported.status == .ok, "\(imported.text)")
            answers.append(imported)
            let household = try await F.household(
                t, token: admin, headID: byAPI[0], headName: names[0], members: [F.member(byAPI[1], name: names[1])])
            let code = household["household_code"] as! String
            let memberID = (household["members"] as! [[String: Any]])[1]["id"] as! String
            // Reading, listing, lookup (found and not), reveal's refusal, errors that concern an ID.
            _ = try await call(.GET, "/api/v1/households/\(code)")
            _ = try await call(.GET, "/api/v1/households?per=100")
            _ = try await call(.GET, "/api/v1/members/\(memberID)")
            #expect(try await call(.POST, "/api/v1/members/lookup", json: ["resident_id": ids[0]]).status == .ok)
            #expect(try await call(.POST, "/api/v1/members/lookup", json: ["resident_id": F.id(3999)]).status == .notFound)
            #expect(try await call(.POST, "/api/v1/members/\(memberID)/reveal", json: [:]).status == .unprocessableEntity)
            let twice = try await call(.POST, "/api/v1/households/\(code)/members", json: F.member(ids[1], name: "重复"))
            #expect(twice.status == .conflict)
            let badChecksum = String(ids[2].dropLast()) + (ids[2].hasSuffix("1") ? "2" : "1")
            let refused = try await call(.POST, "/api/v1/households/\(code)/members", json: F.member(badChecksum, name: "错号"))
            #expect(refused.status == .unprocessableEntity)
            #expect(!refused.text.contains(badChecksum))
            let duplicateFile = MemberRows.csv([rows[0], rows[0]])
            urls.append("/api/v1/households/import")
            let duplicate = try await t.importMembers(duplicateFile, token: admin)
            #expect(duplicate.status == .unprocessableEntity)
            answers.append(duplicate)
            _ = try await call(.PATCH, "/api/v1/members/\(memberID)", json: ["labour_capacity": "weak"])
            _ = try await call(.GET, "/api/v1/audit?per=200")
            let export = try await call(.GET, "/api/v1/households/export?division=141124")
            #expect(export.status == .ok && export.text.contains(PersonalData.residentID.mask(ids[0])))
            // The one answer that holds an ID is the reveal, asked with a reason.
            let shown = try await t.request(.POST, "/api/v1/members/\(memberID)/reveal", token: admin, json: ["reason": "核对"])
            #expect(try shown.json()["resident_id"] as? String == byAPI[1])
            // A viewer sees neither IDs nor names.
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = try await t.token("lin.viewer")
            for url in ["/api/v1/households/\(code)", "/api/v1/households?per=100", "/api/v1/members/\(memberID)", "/api/v1/households/export"] {
                let res = try await call(.GET, url, token: viewer)
                #expect(res.status == .ok)
                for name in names { #expect(!res.text.contains(name), "\(name) in \(url)") }
            }

            var everything = Data()
            for res in answers {
                everything.append(Data(buffer: res.body))
                for (name, value) in res.headers { everything.append(Data("\(name): \(value)\n".utf8)) }
            }
            everything.append(Data(urls.joined(separator: "\n").utf8))
            #expect(Self.leaks(ids, in: everything).isEmpty, "\(Self.leaks(ids, in: everything))")
            // The audit trail, read straight from its table.
            struct AuditRow: Decodable { var action: String; var entity_id: String; var changes: String }
            let trail = try await t.sql.select().columns("action", "entity_id", "changes").from("audit_events").all(decoding: AuditRow.self)
            #expect(trail.contains { $0.action == "members.import" } && trail.contains { $0.action == "member.reveal" })
            let trailText = Data(trail.map { "\($0.action) \($0.entity_id) \($0.changes)" }.joined(separator: "\n").utf8)
            #expect(Self.leaks(ids, in: trailText).isEmpty, "\(Self.leaks(ids, in: trailText))")
            for name in names { #expect(!trailText.contains(Data(name.utf8)), "\(name) in the audit trail") }

            // At rest.
            switch target {
            case .sqlite(let path):
                let file = try #require(FileManager.default.contents(atPath: path))
                let wal = FileManager.default.contents(atPath: path + "-wal") ?? Data()
                #expect(file.count > 0 && wal.count > 0, "the WAL holds the recent writes")
                let backup = path + ".backup"
                defer { try? FileManager.default.removeItem(atPath: backup) }
                try await t.sql.raw("VACUUM INTO \(bind: backup)").run()  // what `tongguan backup` runs
                let copy = try #require(FileManager.default.contents(atPath: backup))
                // The search would find them: the names are stored in clear and are found.
                #expect(copy.range(of: Data(names[0].utf8)) != nil)
                for (what, data) in [("database", file), ("WAL", wal), ("backup", copy)] {
                    #expect(Self.leaks(ids, in: data).isEmpty, "\(what): \(Self.leaks(ids, in: data))")
                }
            case .postgres(let url, let schema):
                let dump = try Self.pgDump(url: url, schema: schema)
                #expect(dump.range(of: Data(names[0].utf8)) != nil && dump.count > 10_000)
                #expect(Self.leaks(ids, in: dump).isEmpty, "pg_dump: \(Self.leaks(ids, in: dump))")
            }
        }
    }

    /// A plain-text `pg_dump` of the test's schema.
    static func pgDump(url: String, schema: String?) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["pg_dump", "--format=plain", "--no-owner", "--dbname", url]
        if let schema { arguments += ["--schema", schema] }
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pg_dump failed")
        return data
    }
}
