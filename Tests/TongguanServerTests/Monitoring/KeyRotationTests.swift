import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// `tongguan keys rotate` re-seals every ID under the new key while the server keeps
/// reading and writing with both keys; an interrupted run resumes; nothing is lost.
@Suite struct KeyRotationTests {
    typealias F = RegistryFixture

    @Test func rotationUnderARunningServerLosesNothing() async throws {
        let target = TestApp.makeTarget()
        let old = F.key(), new = F.key()
        do {
            try await rotate(target: target, old: old, new: new)
            await TestApp.cleanUp(target)
        } catch {
            await TestApp.cleanUp(target)
            throw error
        }
    }

    func rotate(target: Settings.DatabaseTarget, old: String, new: String) async throws {
        var expected: [String] = []
        // Before: 12 households of 3 members under the old key.
        try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(old)) }) { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            for h in 0..<12 {
                let ids = (0..<3).map { F.id(h * 3 + $0 + 1) }
                expected += ids
                _ = try await F.household(t, token: token, headID: ids[0], members: ids.dropFirst().map { F.member($0, name: "成员") })
            }
        }
        // During: the server runs with both keys while batches of 5 are re-sealed, and
        // between batches people read, look up, add and correct.
        let added = try await TestApp.run(
            target: target,
            configure: {
                $0.dataKey = .environment(SecretText(old)); $0.newDataKey = SecretText(new)
            }
        ) { t -> [String] in
            let ring = try t.app.registryKeys
            let token = try await t.adminToken()
            let codes = (try await t.request(.GET, "/api/v1/households?per=50", token: token).json()["items"] as! [[String: Any]])
                .map { $0["household_code"] as! String }
            struct Stop: Error {}
            // The first run stops after two batches (a crash, a Ctrl-C)…
            await #expect(throws: Stop.self) {
                _ = try await KeyRotation.run(ring: ring, columns: RegistryPart.sealedColumns, batch: 5, actor: .cli(), on: t.db) { n in
                    if n == 2 { throw Stop() }
                }
            }
            #expect(try await KeyRotation.remaining(ring: ring, columns: t.app.sealedColumns, on: t.db) == expected.count - 10)
            let addedIDs = [F.id(900), F.id(901)]
            let checks = CheckLog()
            // …and the second finishes, with the application in use between its batches.
            let outcome = try await KeyRotation.run(ring: ring, columns: RegistryPart.sealedColumns, batch: 5, actor: .cli(), on: t.db) { n in
                let code = codes[n % codes.count]
                let household = try await t.request(.GET, "/api/v1/households/\(code)", token: token).json()
                let member = (household["members"] as! [[String: Any]])[0]
                let shown = try await t.request(.POST, "/api/v1/members/\(member["id"] as! String)/reveal", token: token, json: ["reason": "轮换核对"])
                let clear = try shown.json()["resident_id"] as? String ?? "?"
                let found = try await t.request(.POST, "/api/v1/members/lookup", token: token, json: ["resident_id": clear])
                let foundID = try found.json()["member_id"] as? String
                checks.add(shown.status == .ok && found.status == .ok && foundID == member["id"] as? String)
                // The same person cannot be registered twice while two indexes are in use.
                let twice = try await t.request(
                    .POST, "/api/v1/households/\(codes[(n + 1) % codes.count])/members", token: token, json: F.member(clear, name: "重复"))
                checks.add(twice.status == .conflict)
                if n == 1 || n == 3 {
                    let add = try await t.request(
                        .POST, "/api/v1/households/\(code)/members", token: token, json: F.member(addedIDs[n / 2], name: "新增"))
                    checks.add(add.status == .created)
                }
            }
            #expect(checks.all && checks.count > 10)
            #expect(outcome.rotated == expected.count - 10)
            #expect(try await KeyRotation.remaining(ring: ring, columns: t.app.sealedColumns, on: t.db) == 0)
            // A second run finds nothing to do.
            #expect(try await KeyRotation.run(ring: ring, columns: RegistryPart.sealedColumns, batch: 5, actor: .cli(), on: t.db).rotated == 0)
            let audit = try await t.request(.GET, "/api/v1/audit?entity_type=data_key&per=100", token: token)
            #expect((try audit.json()["metadata"] as? [String: Any])?["total"] as? Int ?? 0 >= 6)
            return addedIDs
        }
        // After: the new key alone reads every ID, and every blind index is the new key's.
        try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(new)) }) { t in
            let cipher = FieldCipher(try DataKey(base64: new))
            struct Row: Decodable { var id: UUID; var resident_id_sealed: String; var resident_id_index: String }
            let rows = try await t.sql.select().columns("id", "resident_id_sealed", "resident_id_index").from("members").all(decoding: Row.self)
            var clear: [String] = []
            for row in rows {
                let id = try cipher.open(row.resident_id_sealed)
                #expect(row.resident_id_index == cipher.blindIndex(id))
                clear.append(id)
            }
            #expect(clear.sorted() == (expected + added).sorted())
            let token = try await t.adminToken()
            for id in [expected[0], expected[20], added[1]] {
                #expect(try await t.request(.POST, "/api/v1/members/lookup", token: token, json: ["resident_id": id]).status == .ok)
            }
        }
    }
}

final class CheckLog: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Bool] = []
    func add(_ ok: Bool) { lock.lock(); results.append(ok); lock.unlock() }
    var all: Bool { lock.lock(); defer { lock.unlock() }; return results.allSatisfy { $0 } }
    var count: Int { lock.lock(); defer { lock.unlock() }; return results.count }
}
