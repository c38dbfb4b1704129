import Foundation
import NIOConcurrencyHelpers
import TongguanDomain
import Vapor

/// How 诉求 protects a requester's resident ID: sealed (AES-GCM), blind-indexed (HMAC), masked.
/// The module reaches the data key only through this protocol, so that the platform's key
/// service (TONGGUAN_DATA_KEY, key rotation), when it lands, replaces `CaseDataKey` below
/// and nothing else.
protocol ResidentIDProtection: Sendable {
    func seal(_ clear: String) throws -> String
    func open(_ stored: String) throws -> String
    func blindIndex(_ clear: String) throws -> String
}

extension ResidentIDProtection {
    func mask(_ clear: String) -> String { PersonalData.residentID.mask(clear) }
}

/// The domain's `FieldCipher` behind the protocol.
struct FieldCipherProtection: ResidentIDProtection {
    let cipher: FieldCipher

    func seal(_ clear: String) throws -> String { cipher.seal(clear) }
    func open(_ stored: String) throws -> String {
        do { return try cipher.open(stored) } catch { throw Refusal.conflict(error.message) }
    }
    func blindIndex(_ clear: String) throws -> String { cipher.blindIndex(clear) }
}

/// The interim key source, until the platform's key service lands (issue 8): the key in
/// `TONGGUAN_DATA_KEY` (base64, 32 bytes); else, on SQLite, a key file beside the database
/// (`<database>.datakey`), created with mode 0600 on first use with a warning to back it up
/// apart from the database. On PostgreSQL without the variable a resident ID cannot be
/// stored (the request is refused, nothing else is affected). Tests install a cipher from a
/// fixed key with `app.caseProtection = …`. The key is read lazily: a server that never
/// stores a resident ID never needs one.
enum CaseDataKey {
    static let variable = "TONGGUAN_DATA_KEY"

    static func load(_ app: Application) throws -> any ResidentIDProtection {
        if let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty {
            do { return FieldCipherProtection(cipher: try FieldCipher(base64Key: text)) } catch {
                throw Refusal.conflict("\(variable):" + error.message)
            }
        }
        guard case .sqlite(let path) = app.tongguan.settings.database else {
            throw Refusal.conflict("未设置数据密钥 \(variable),不能保存或查看身份证号")
        }
        let keyPath = path + ".datakey"
        let manager = FileManager.default
        if let data = manager.contents(atPath: keyPath) {
            do { return FieldCipherProtection(cipher: try FieldCipher(base64Key: String(decoding: data, as: UTF8.self))) } catch {
                throw Refusal.conflict("数据密钥文件 \(keyPath) 无效:" + error.message)
            }
        }
        let key = DataKey.generate()
        guard manager.createFile(atPath: keyPath, contents: Data((key.base64 + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw Refusal.conflict("无法创建数据密钥文件 \(keyPath)") }
        app.logger.warning(
            "created a data key file for resident IDs; back it up apart from the database",
            metadata: ["path": .string(keyPath)])
        return FieldCipherProtection(cipher: FieldCipher(key))
    }
}

private struct CaseProtectionKey: StorageKey { typealias Value = any ResidentIDProtection }
private struct CaseProtectionLock: LockKey {}

extension Application {
    /// The resident-ID protection of 诉求, loaded on first use (see `CaseDataKey`).
    var caseProtection: any ResidentIDProtection {
        get throws {
            if let p = storage[CaseProtectionKey.self] { return p }
            let lock = locks.lock(for: CaseProtectionLock.self)
            return try lock.withLock {
                if let p = storage[CaseProtectionKey.self] { return p }
                let p = try CaseDataKey.load(self)
                storage[CaseProtectionKey.self] = p
                return p
            }
        }
    }

    /// Installs a protection (tests use a fixed key).
    func setCaseProtection(_ protection: any ResidentIDProtection) { storage[CaseProtectionKey.self] = protection }
}
