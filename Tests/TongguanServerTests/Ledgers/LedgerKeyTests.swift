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

    /// `keys rotate` cannot re-seal IDs inside an item's JSON yet, so it refuses while any are
    /// stored and changes nothing: retiring the old key would otherwise lose them.
    @Test func rotationRefusesWhileLedgerItemsHoldResidentIDs() async throws {
        let target = TestApp.makeTarget()
        let old = DataKey.generate().base64
        let new = DataKey.generate().base64
        do {
            try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(old)) }) { t in
                let token = try await LedgerSamples.define(t)
                #expect(try await LedgerSealedIDs.count(on: t.db) == 0)
                _ = try await LedgerSamples.create(t, token: token, LedgerSamples.item("甲", extra: ["id_number": LedgerSamples.validID]))
                #expect(try await LedgerSealedIDs.count(on: t.db) == 1)
            }
            try await TestApp.run(
                target: target,
                configure: {
                    $0.dataKey = .environment(SecretText(old)); $0.newDataKey = SecretText(new)
                }
            ) { t in
                #expect(t.app.unrotatableSeals.map(\.label) == ["台账事项中的身份证号"])
                let before = try #require(try await t.sql.raw("SELECT data FROM \(ident: LedgerItemRecord.schema)").first(decoding: Row.self))
                var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["tongguan"]))
                context.application = t.app
                do {
                    try await RotateKeys().execute(using: context, signature: .init())
                    Issue.record("keys rotate went ahead while a ledger item holds a resident ID")
                } catch let failure as CommandFailure {
                    #expect(failure.exitCode == 2 && failure.message.contains("台账事项中的身份证号 1 条"), "\(failure.message)")
                }
                let after = try #require(try await t.sql.raw("SELECT data FROM \(ident: LedgerItemRecord.schema)").first(decoding: Row.self))
                #expect(after.data == before.data)
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
