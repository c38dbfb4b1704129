import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The keys that protect resident IDs, loaded once at start (`RegistryModule.seed`):
/// `TONGGUAN_DATA_KEY`, or on SQLite a key file beside the database created on first start,
/// plus `TONGGUAN_DATA_KEY_NEW` during a rotation. Neither key is ever logged or printed.
enum DataProtection {
    /// A random key for settings built in code without one (tests): one per process, so an
    /// application restarted in the same process still reads what it wrote.
    static let temporaryKey = DataKey.generate()

    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Loads the key ring from the settings; makes the key file when the settings name one
    /// that does not exist yet. Returns the ring and, when a file was made, a notice for the
    /// console.
    static func load(_ settings: Settings, logger: Logger) throws -> (KeyRing, notice: String?) {
        var notice: String?
        let current: DataKey
        switch settings.dataKey {
        case .environment(let secret):
            do { current = try DataKey(base64: secret.value) } catch { throw LoadFailure(description: "TONGGUAN_DATA_KEY:" + error.message) }
        case .file(let path):
            let absolute = Self.absolute(path)
            if FileManager.default.fileExists(atPath: absolute) {
                current = try readKeyFile(absolute)
            } else {
                current = DataKey.generate()
                try writeKeyFile(current, to: absolute)
                logger.warning("created the data key file; back it up apart from the database", metadata: ["path": .string(absolute)])
                notice = """
                     已生成数据密钥文件(用于加密身份证号):
                     \(absolute)
                     请立即把它与数据库分开备份:丢失此文件,已登记的身份证号将无法解密;
                     与数据库放在同一处的备份等于没有加密。也可改用环境变量 TONGGUAN_DATA_KEY。
                    """
            }
        case .temporary:
            logger.warning("no data key configured: using a temporary key for this process")
            current = temporaryKey
        }
        var next: FieldCipher?
        if let secret = settings.newDataKey {
            do { next = FieldCipher(try DataKey(base64: secret.value)) } catch {
                throw LoadFailure(description: "TONGGUAN_DATA_KEY_NEW:" + error.message)
            }
        }
        do {
            return (try KeyRing(current: FieldCipher(current), next: next), notice)
        } catch {
            throw LoadFailure(description: "TONGGUAN_DATA_KEY_NEW:" + error.message)
        }
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }

    static func readKeyFile(_ path: String) throws -> DataKey {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LoadFailure(description: "无法读取数据密钥文件 \(path)")
        }
        do { return try DataKey(base64: text) } catch {
            throw LoadFailure(description: "数据密钥文件 \(path) 内容无效:" + error.message)
        }
    }

    /// Creates the file with mode 0600 (never readable by others, not even for a moment) and
    /// refuses to overwrite one that exists.
    static func writeKeyFile(_ key: DataKey, to path: String, replacing: Bool = false) throws {
        let target = replacing ? path + ".new" : path
        if replacing { unlink(target) }
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw LoadFailure(description: "无法创建数据密钥文件 \(target):\(String(cString: strerror(errno)))") }
        let bytes = Array((key.base64 + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            unlink(target)
            throw LoadFailure(description: "无法写入数据密钥文件 \(target)")
        }
        if replacing {
            guard rename(target, path) == 0 else { throw LoadFailure(description: "无法替换数据密钥文件 \(path)") }
        }
    }

    /// Refuses to start with a key that cannot open what is stored: sealing new IDs under a
    /// different key would leave a database that no single key reads.
    static func checkStoredValues(_ ring: KeyRing, on db: any Database) async throws {
        struct Row: Decodable { var resident_id_sealed: String }
        guard
            let row = try await db.sql.select().column("resident_id_sealed").from(Member.schema).limit(1)
                .first(decoding: Row.self)
        else { return }
        let id = FieldCipher.keyID(of: row.resident_id_sealed) ?? "?"
        guard id == ring.current.keyID || id == ring.next?.keyID else {
            throw LoadFailure(
                description: "数据库中的身份证号由另一个数据密钥加密(密钥标识 \(id)),当前密钥标识为 \(ring.current.keyID):"
                    + "请设置正确的 TONGGUAN_DATA_KEY(或放回原来的密钥文件)后再启动")
        }
    }
}

private struct RegistryKeysKey: StorageKey { typealias Value = KeyRing }

extension Application {
    /// The data keys, set at start by the module's seed.
    var registryKeys: KeyRing {
        get throws {
            guard let ring = storage[RegistryKeysKey.self] else { throw Abort(.internalServerError, reason: "data keys not loaded") }
            return ring
        }
    }

    func setRegistryKeys(_ ring: KeyRing) { storage[RegistryKeysKey.self] = ring }
}

extension Request {
    var registryKeys: KeyRing { get throws { try application.registryKeys } }
}
