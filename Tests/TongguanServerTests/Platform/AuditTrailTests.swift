import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct AuditTrailTests {
    func actions(_ t: TestApp) async throws -> [String] {
        try await t.sql.select().column("action").from("audit_events").orderBy("seq").all()
            .map { try $0.decode(column: "action", as: String.self) }
    }

    @Test func seedingIsAuditedAndTheChainVerifies() async throws {
        try await TestApp.with { t in
            let all = try await actions(t)
            #expect(all.filter { $0 == "division.create" }.count == 1 + 13 + 154)
            #expect(all.last == "user.create")
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: all.count))
        }
    }

    @Test func changesCarryBeforeAndAfterAndRequestContext() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let created = try await t.request(
                .POST, "/api/v1/users", token: token,
                json: ["username": "wang.op", "password": "Secret-Pass-77", "role": "operator", "division_code": "141124"])
            #expect(created.status == .created)
            let id = try #require(try created.json()["id"] as? String)
            let patched = try await t.request(.PATCH, "/api/v1/users/\(id)", token: token, json: ["role": "supervisor"])
            #expect(patched.status == .ok)
            let res = try await t.request(.GET, "/api/v1/audit?entity_type=user&entity_id=\(id)", token: token)
            let items = try #require(try res.json()["items"] as? [[String: Any]])
            #expect(items.map { $0["action"] as? String } == ["user.update", "user.create"])
            let update = items[0]
            #expect(update["actor"] as? String == "admin")
            #expect((update["request_id"] as? String)?.isEmpty == false)
            let changes = try #require(update["changes"] as? [[String: Any]])
            #expect(changes.count == 1)
            #expect(changes[0]["field"] as? String == "role")
            #expect(changes[0]["before"] as? String == "operator")
            #expect(changes[0]["after"] as? String == "supervisor")
            // The password never reaches the trail, not even hashed.
            let raw = try await t.sql.select().column("changes").from("audit_events").all()
                .map { try $0.decode(column: "changes", as: String.self) }.joined()
            #expect(!raw.contains("Secret-Pass-77"))
            #expect(!raw.contains("$2b$"))
        }
    }

    @Test func eventsCannotBeUpdatedOrDeleted() async throws {
        try await TestApp.with { t in
            await #expect(throws: (any Error).self) {
                try await t.sql.raw("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1").run()
            }
            await #expect(throws: (any Error).self) {
                try await t.sql.raw("DELETE FROM audit_events WHERE seq = 1").run()
            }
            let count = try await actions(t).count
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: count))
        }
    }

    /// Someone with database access drops the guard and edits history: verify names the row.
    @Test func tamperingThroughRawSQLIsDetected() async throws {
        try await TestApp.with { t in
            if TestDatabase.isPostgres {
                try await t.sql.raw("ALTER TABLE audit_events DISABLE TRIGGER USER").run()
            } else {
                try await t.sql.raw("DROP TRIGGER audit_events_no_update").run()
            }
            try await t.sql.raw("UPDATE audit_events SET actor = 'mallory' WHERE seq = 5").run()
            #expect(try await AuditVerification.verify(on: t.db) == .broken(seq: 5, reason: "事件内容与哈希不符"))
        }
    }

    @Test func deletingTheNewestEventIsDetected() async throws {
        try await TestApp.with { t in
            if TestDatabase.isPostgres {
                try await t.sql.raw("ALTER TABLE audit_events DISABLE TRIGGER USER").run()
            } else {
                try await t.sql.raw("DROP TRIGGER audit_events_no_delete").run()
            }
            let count = try await actions(t).count
            try await t.sql.raw("DELETE FROM audit_events WHERE seq = \(bind: count)").run()
            guard case .broken(let seq, _) = try await AuditVerification.verify(on: t.db) else {
                Issue.record("truncation not detected"); return
            }
            #expect(seq == Int64(count))
        }
    }

    /// Concurrent writers through the API: every change gets its event and the chain stays one line.
    @Test func chainStaysOneLineUnderConcurrentWrites() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let before = try await actions(t).count
            let writers = 24
            try await withThrowingTaskGroup(of: TestingHTTPResponse.self) { group in
                for i in 0..<writers {
                    group.addTask {
                        if i % 2 == 0 {
                            return try await t.request(
                                .POST, "/api/v1/users", token: token,
                                json: ["username": "c\(i)", "password": "Concurrent-99", "role": "viewer", "division_code": "141124"])
                        }
                        return try await t.request(.PATCH, "/api/v1/divisions/141124", token: token, json: ["name": "临县\(i)"])
                    }
                }
                for try await res in group { #expect(res.status == .ok || res.status == .created, "\(res.status) \(res.body.string)") }
            }
            let after = try await actions(t)
            #expect(after.count == before + writers)
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: after.count))
            let seqs = try await t.sql.select().column("seq").from("audit_events").orderBy("seq").all()
                .map { try $0.decode(column: "seq", as: Int64.self) }
            #expect(seqs == Array(1...Int64(after.count)))
        }
    }

    /// A change that fails half way leaves neither the change nor its event.
    @Test func aFailedWriteLeavesNoEvent() async throws {
        try await TestApp.with { t in
            let before = try await actions(t).count
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await t.db.audited(by: AuditActor(name: "test", requestID: "r", clientAddress: "local")) { tx, audit in
                    try await Division(code: DivisionCode("141124500")!, name: "测试镇", parentCode: "141124").create(on: tx)
                    audit.record("division.create", entityType: "division", entityID: "141124500", divisionCode: "141124500")
                    throw Boom()
                }
            }
            #expect(try await actions(t).count == before)
            #expect(try await Division.find("141124500", on: t.db) == nil)
        }
    }

    @Test func auditAPIIsScopedAndFiltered() async throws {
        try await TestApp.with { t in
            try await t.createUser("lin.sup", role: .supervisor, division: "141124")
            try await t.createUser("lin.member", role: .viewer, division: "141124")
            try await t.createUser("xing.member", role: .viewer, division: "141123")
            let token = try await t.token("lin.sup")
            let res = try await t.request(.GET, "/api/v1/audit?per=200", token: token)
            let items = try #require(try res.json()["items"] as? [[String: Any]])
            #expect(!items.isEmpty)
            #expect(items.allSatisfy { ($0["division_code"] as? String)?.hasPrefix("141124") == true })
            let byActor = try await t.request(.GET, "/api/v1/audit?actor=lin.sup", token: token)
            let mine = try #require(try byActor.json()["items"] as? [[String: Any]])
            #expect(mine.map { $0["action"] as? String } == ["login.success"])
            let future = try await t.request(.GET, "/api/v1/audit?from=2199-01-01", token: token)
            #expect((try future.json()["metadata"] as? [String: Any])?["total"] as? Int == 0)
            let today = ChinaDate.display(StoredInstant.string(Date())).prefix(10)
            let todays = try await t.request(.GET, "/api/v1/audit?from=\(today)&to=\(today)", token: token)
            #expect(((try todays.json()["metadata"] as? [String: Any])?["total"] as? Int ?? 0) > 0)
            let bad = try await t.request(.GET, "/api/v1/audit?from=yesterday&to=2026-13-01&page=0", token: token)
            #expect(bad.status == .unprocessableEntity)
        }
    }

    @Test func personalDataIsMaskedByTheHook() {
        var diff = AuditDiff()
        diff.add("id_number", before: nil, after: "11010519491231002X", personal: .residentID)
        diff.add("phone", before: "13812345678", after: "13912345678", personal: .phone)
        diff.add("same", before: "a", after: "a")
        #expect(diff.changes.count == 2)
        #expect(diff.changes[0].after == "110105********002X")
        #expect(diff.changes[1].before == "138****5678")
    }
}
