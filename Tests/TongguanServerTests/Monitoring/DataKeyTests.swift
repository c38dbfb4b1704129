import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Where the data key comes from, the key file, and what is stored.
@Suite struct DataKeyTests {
    typealias F = RegistryFixture

    @Test func settingsCheckTheKeysAndTheBaseURL() throws {
        let key = F.key()
        let sqlite = try Settings.fromEnvironment(["TONGGUAN_DB": "/data/tongguan.sqlite"])
        #expect(sqlite.dataKey == .file(path: "/data/tongguan.sqlite.key"))
        let given = try Settings.fromEnvironment(["TONGGUAN_DATA_KEY": key, "TONGGUAN_BASE_URL": "https://tongguan.example.gov.cn/"])
        #expect(given.dataKey == .environment(SecretText(key)) && given.baseURL == "https://tongguan.example.gov.cn")
        #expect(!String(describing: given).contains(key) && !String(reflecting: given).contains(key))
        let error = #expect(throws: SettingsError.self) {
            try Settings.fromEnvironment(["DATABASE_URL": "postgres://u:p@h/db", "TONGGUAN_DATA_KEY_NEW": "short", "TONGGUAN_BASE_URL": "ftp://x"])
        }
        #expect(Set(error?.problems.map(\.variable) ?? []) == ["TONGGUAN_DATA_KEY", "TONGGUAN_DATA_KEY_NEW", "TONGGUAN_BASE_URL"])
        #expect(error?.description.contains("PostgreSQL") == true)
        let bad = #expect(throws: SettingsError.self) { try Settings.fromEnvironment(["TONGGUAN_DATA_KEY": "bm90IGEga2V5"]) }
        #expect(bad?.problems.first?.message.contains("32字节") == true && bad?.description.contains("bm90IGEga2V5") == false)
        let same = try Settings.fromEnvironment([
            "TONGGUAN_DATA_KEY": key, "TONGGUAN_DATA_KEY_NEW": F.key(), "TONGGUAN_BASE_URL": "http://10.0.0.5:8080",
        ])
        #expect(same.newDataKey != nil && same.baseURL == "http://10.0.0.5:8080")
    }

    @Test func theKeyFileIsMadeOnceWithMode0600AndAWrongKeyIsRefused() async throws {
        guard !TestDatabase.isPostgres else { return }  // the key file is SQLite's
        let target = TestApp.makeTarget()
        guard case .sqlite(let path) = target else { return }
        let keyPath = path + ".key"
        defer {
            for suffix in ["", "-wal", "-shm", ".key"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let id = F.id(1)
        try await TestApp.run(target: target, configure: { $0.dataKey = .file(path: keyPath) }) { t in
            let notices = t.app.consoleNotices.drain()
            #expect(notices.count == 1 && notices[0].contains(keyPath) && notices[0].contains("分开备份"))
            try await F.addVillages(t)
            _ = try await F.household(t, token: try await t.adminToken(), headID: id)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let stored = try String(contentsOfFile: keyPath, encoding: .utf8)
        let key = try DataKey(base64: stored)
        // The second start reads the same file, says nothing, and reads what the first wrote.
        try await TestApp.run(target: target, configure: { $0.dataKey = .file(path: keyPath) }) { t in
            #expect(t.app.consoleNotices.drain().isEmpty)
            let admin = try await t.adminToken()
            let list = try await t.request(.GET, "/api/v1/households", token: admin)
            let code = try #require((try list.json()["items"] as? [[String: Any]])?.first?["household_code"] as? String)
            let member = try #require(
                (try await t.request(.GET, "/api/v1/households/\(code)", token: admin).json()["members"] as? [[String: Any]])?.first)
            let shown = try await t.request(.POST, "/api/v1/members/\(member["id"] as! String)/reveal", token: admin, json: ["reason": "核对"])
            #expect(try shown.json()["resident_id"] as? String == id)
            // What is stored: a sealed value under this key and its blind index, never the ID.
            struct Row: Decodable { var resident_id_sealed: String; var resident_id_index: String; var birth_date: String; var sex: String }
            let row = try #require(try await t.sql.select().columns("*").from("members").first(decoding: Row.self))
            let cipher = FieldCipher(key)
            #expect(row.resident_id_sealed.hasPrefix(cipher.storedPrefix) && !row.resident_id_sealed.contains(id))
            #expect(try cipher.open(row.resident_id_sealed) == id && row.resident_id_index == cipher.blindIndex(id))
            #expect(row.birth_date == ResidentIdentity(id)!.birthDate.description && row.sex == ResidentIdentity(id)!.sex.rawValue)
        }
        // Another key cannot read the data: the start is refused, naming the fix, not the key.
        let other = F.key()
        let failure = await #expect(throws: CommandFailure.self) {
            try await TestApp.run(target: target, configure: { $0.dataKey = .environment(SecretText(other)) }) { _ in }
        }
        #expect(failure?.message.contains("TONGGUAN_DATA_KEY") == true && failure?.message.contains(other) == false)
        #expect(failure?.exitCode == 2)
    }
}
