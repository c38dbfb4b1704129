import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// A requester's resident ID is sealed under the platform's data key (the one 监测 uses) and
/// `keys rotate` re-seals it: after a rotation the server started with only the new key still
/// reveals every ID and finds it by its blind index.
@Suite struct CaseKeyTests {
    static let ids = ["11010519491231002X", RegistryFixture.id(2), RegistryFixture.id(3)]

    @Test func residentIDsAreSealedUnderThePlatformKeyAndRotated() async throws {
        let target = TestApp.makeTarget()
        do {
            try await rotate(target: target)
            await TestApp.cleanUp(target)
        } catch {
            await TestApp.cleanUp(target)
            throw error
        }
    }

    struct Row: Decodable {
        var id: UUID
        var requester_id_sealed: String
        var requester_id_index: String
    }

    static func stored(_ t: TestApp) async throws -> [Row] {
        try await t.sql.raw(
            "SELECT id, requester_id_sealed, requester_id_index FROM \(ident: CaseRecord.schema) WHERE requester_id_sealed IS NOT NULL"
        ).all(decoding: Row.self)
    }

    func rotate(target: Settings.DatabaseTarget) async throws {
        let old = DataKey.generate().base64, new = DataKey.generate().base64
        let oldPrefix = try FieldCipher(base64Key: old).storedPrefix, newPrefix = try FieldCipher(base64Key: new).storedPrefix
        let cases = try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(old)) }) { t -> [String] in
            #expect(t.app.sealedColumns.contains(CasesModule.sealedColumns[0]))
            let kit = try await CaseKit.make(t)
            var cases: [String] = []
            for id in Self.ids {
                var body = CaseKit.body()
                body["requester"] = ["name": "张三丰", "phone": "13800001234", "resident_id": id]
                cases.append(try await kit.register(body)["id"] as! String)
            }
            let rows = try await Self.stored(t)
            #expect(rows.count == Self.ids.count && rows.allSatisfy { $0.requester_id_sealed.hasPrefix(oldPrefix) })
            return cases
        }
        // The server runs with both keys while the rotation re-seals one row per batch.
        try await TestApp.run(
            target: target,
            configure: {
                $0.dataKey = .environment(SecretText(old)); $0.newDataKey = SecretText(new)
            }
        ) { t in
            let ring = try t.app.dataKeys
            let outcome = try await KeyRotation.run(ring: ring, columns: t.app.sealedColumns, batch: 1, actor: .cli(), on: t.db)
            #expect(outcome.rotated == Self.ids.count)
            #expect(try await KeyRotation.remaining(ring: ring, columns: t.app.sealedColumns, on: t.db) == 0)
        }
        // Only the new key: every ID still opens, and its blind index is the new key's.
        try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(new)) }) { t in
            let ring = try t.app.dataKeys
            let rows = try await Self.stored(t)
            #expect(rows.count == Self.ids.count && rows.allSatisfy { $0.requester_id_sealed.hasPrefix(newPrefix) })
            let token = try await t.adminToken()
            for (caseID, id) in zip(cases, Self.ids) {
                let res = try await t.request(.POST, "/api/v1/cases/\(caseID)/reveal", token: token, json: ["reason": "轮换核对"])
                #expect(res.status == .ok)
                #expect(try res.json()["resident_id"] as? String == id)
                let found = rows.filter { $0.requester_id_index == ring.blindIndex(id) }.map { $0.id.uuidString.lowercased() }
                #expect(found == [caseID.lowercased()])
            }
        }
        // The old key alone no longer opens them: the start is refused.
        await #expect(throws: (any Error).self) {
            try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(old)) }) { _ in }
        }
    }
}
