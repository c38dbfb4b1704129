import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// A ledger item's resident IDs are sealed under the platform's data key (the one 监测 and
/// 诉求 use, no key of their own): a restarted server with that key reveals and looks them up.
@Suite struct LedgerKeyTests {
    @Test func residentIDsAreSealedUnderThePlatformKey() async throws {
        let target = TestApp.makeTarget()
        do {
            try await check(target: target)
            await TestApp.cleanUp(target)
        } catch {
            await TestApp.cleanUp(target)
            throw error
        }
    }

    /// `keys rotate` re-seals the IDs inside items' JSON and moves their blind indexes
    /// (`LedgerSealedIDs.rotation`), in batches that can stop and resume: afterwards the IDs
    /// reveal under the new key alone, lookups by blind index find them, uniqueness still
    /// holds, nothing in the database is under the retired key, and the audit chain verifies.
    @Test func rotationReSealsResidentIDsInLedgerItems() async throws {
        let target = TestApp.makeTarget()
        let old = DataKey.generate().base64
        let new = DataKey.generate().base64
        let ids = [LedgerSamples.validID, LedgerSamples.otherID, RegistryFixture.id(4321), RegistryFixture.id(4322), RegistryFixture.id(4323)]
        do {
            let items = try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(old)) }) { t -> [String] in
                let token = try await LedgerSamples.define(t)
                var created: [String] = []
                for (i, id) in ids.enumerated() {
                    let item = try await LedgerSamples.create(t, token: token, LedgerSamples.item("事项\(i)", extra: ["id_number": id]))
                    created.append(try #require(item["id"] as? String))
                }
                return created
            }
            let oldCipher = try FieldCipher(base64Key: old)
            let newCipher = try FieldCipher(base64Key: new)
            try await TestApp.run(
                target: target,
                configure: {
                    $0.dataKey = .environment(SecretText(old)); $0.newDataKey = SecretText(new)
                }
            ) { t in
                #expect(t.app.unrotatableSeals.isEmpty)
                let ring = try t.app.dataKeys
                let rotations = t.app.sealedValueRotations
                #expect(try await KeyRotation.remaining(ring: ring, columns: [], rotations: rotations, on: t.db) == ids.count)
                // Stopped after the first batch of two items, then resumed by the command.
                struct Stop: Error {}
                do {
                    _ = try await KeyRotation.run(ring: ring, columns: [], rotations: rotations, batch: 2, actor: .cli(), on: t.db) { n in
                        if n == 1 { throw Stop() }
                    }
                } catch is Stop {}
                #expect(try await KeyRotation.remaining(ring: ring, columns: [], rotations: rotations, on: t.db) == ids.count - 2)
                // Lookups find rotated and not yet rotated IDs alike during the rotation.
                let token = try await t.adminToken()
                for id in [ids[0], ids[4]] {
                    let lookup = try await t.request(
                        .POST, "/api/v1/ledgers/assistance/items/lookup", token: token, json: ["field": "id_number", "value": id])
                    #expect((try lookup.json()["items"] as? [[String: Any]])?.count == 1, "\(lookup.body.string)")
                }
                // Uniqueness holds across both keys: a not yet re-sealed ID cannot be entered twice.
                let duplicate = try await t.request(
                    .POST, "/api/v1/ledgers/assistance/items", token: token, json: LedgerSamples.item("重复", extra: ["id_number": ids[4]]))
                #expect(duplicate.status == .conflict || duplicate.status == .unprocessableEntity, "\(duplicate.body.string)")
                _ = try await Open311Tests.run(RotateKeys(), ["--batch", "2"], t)
                #expect(try await KeyRotation.remaining(ring: ring, columns: t.app.sealedColumns, rotations: rotations, on: t.db) == 0)
                let rotated = try await t.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'keys.rotate'").first()
                #expect(try rotated?.decode(column: "n", as: Int.self) ?? 0 >= 2)
            }
            try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(new)) }) { t in
                // Nothing under the retired key: no sealed value, no blind index.
                let rows = try await t.sql.raw("SELECT data FROM \(ident: LedgerItemRecord.schema)").all(decoding: Row.self)
                #expect(rows.count == ids.count)
                #expect(rows.allSatisfy { !$0.data.contains(oldCipher.storedPrefix) && $0.data.contains(newCipher.storedPrefix) })
                struct Index: Decodable { var t: String? }
                let indexes = Set(
                    try await t.sql.raw("SELECT t FROM \(ident: LedgerStore.values) WHERE field_key = 'id_number' AND part = 'v'")
                        .all(decoding: Index.self).compactMap(\.t))
                #expect(indexes == Set(ids.map(newCipher.blindIndex)))
                struct Unique: Decodable { var value_key: String }
                let unique = Set(
                    try await t.sql.raw("SELECT value_key FROM \(ident: LedgerStore.unique) WHERE field_key = 'id_number'")
                        .all(decoding: Unique.self).map(\.value_key))
                #expect(unique == Set(ids.map(newCipher.blindIndex)))
                #expect(ids.allSatisfy { !indexes.contains(oldCipher.blindIndex($0)) && !unique.contains(oldCipher.blindIndex($0)) })

                // Under the new key alone: reveal, lookup, uniqueness.
                let token = try await t.adminToken()
                for (item, id) in zip(items, ids) {
                    let shown = try await t.request(
                        .POST, "/api/v1/ledgers/assistance/items/\(item)/reveal", token: token, json: ["field": "id_number", "reason": "核对身份"])
                    #expect(try shown.json()["resident_id"] as? String == id)
                    let lookup = try await t.request(
                        .POST, "/api/v1/ledgers/assistance/items/lookup", token: token, json: ["field": "id_number", "value": id])
                    #expect((try lookup.json()["items"] as? [[String: Any]])?.first?["id"] as? String == item)
                }
                let twice = try await t.request(
                    .POST, "/api/v1/ledgers/assistance/items", token: token, json: LedgerSamples.item("重复", extra: ["id_number": ids[2]]))
                #expect(twice.status == .conflict || twice.status == .unprocessableEntity, "\(twice.body.string)")
                guard case .intact = try await AuditVerification.verify(on: t.db) else {
                    Issue.record("the audit chain is broken after the rotation")
                    return
                }
            }
            await TestApp.cleanUp(target)
        } catch {
            await TestApp.cleanUp(target)
            throw error
        }
    }

    struct Row: Decodable { var data: String }

    func check(target: Settings.DatabaseTarget) async throws {
        let key = DataKey.generate().base64
        let prefix = try FieldCipher(base64Key: key).storedPrefix
        let item = try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(key)) }) { t -> String in
            let token = try await LedgerSamples.define(t)
            let created = try await LedgerSamples.create(t, token: token, LedgerSamples.item("甲", extra: ["id_number": LedgerSamples.validID]))
            return try #require(created["id"] as? String)
        }
        try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(key)) }) { t in
            let ring = try t.app.dataKeys
            let row = try #require(try await t.sql.raw("SELECT data FROM \(ident: LedgerItemRecord.schema)").first(decoding: Row.self))
            let values = try #require(try JSONSerialization.jsonObject(with: Data(row.data.utf8)) as? [String: Any])
            let sealed = try #require(values["id_number"] as? String)
            #expect(sealed.hasPrefix(prefix) && !row.data.contains("19491231"))
            #expect(try ring.open(sealed) == LedgerSamples.validID)
            let token = try await t.adminToken()
            let shown = try await t.request(
                .POST, "/api/v1/ledgers/assistance/items/\(item)/reveal", token: token, json: ["field": "id_number", "reason": "核对身份"])
            #expect(try shown.json()["resident_id"] as? String == LedgerSamples.validID)
            let lookup = try await t.request(
                .POST, "/api/v1/ledgers/assistance/items/lookup", token: token, json: ["field": "id_number", "value": LedgerSamples.validID])
            #expect((try lookup.json()["items"] as? [[String: Any]])?.first?["id"] as? String == item)
        }
    }
}
