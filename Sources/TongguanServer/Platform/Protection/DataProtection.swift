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

/// The platform's protection of personal data at rest (resident IDs and the like): one data
/// key for every module, from `TONGGUAN_DATA_KEY`, or on SQLite a key file beside the
/// database created on first start (mode 0600, with a console notice); on PostgreSQL the
/// settings refuse to start without the variable. During a rotation `TONGGUAN_DATA_KEY_NEW`
/// joins it (`KeyRing`: reads open under either key, writes seal under the new one).
/// Neither key is ever logged or printed.
///
/// A module that keeps sealed values declares its columns (`SealedColumn`) and calls
/// `DataProtection.prepare(app, columns:)` from its `seed`; it then seals with
/// `app.dataKeys` / `req.dataKeys` (`seal`, `open`, `blindIndex`, `blindIndexes` for lookups
/// during a rotation). The platform refuses to start with a key that cannot open what a
/// declared column holds, and `tongguan keys rotate` re-seals every declared column.
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
    static func checkStoredValues(_ ring: KeyRing, columns: [SealedColumn], on db: any Database) async throws {
        struct Row: Decodable { var value: String }
        for column in columns {
            guard
                let row = try await db.sql.select().column(SQLIdentifier(column.sealed), as: "value").from(column.table)
                    .where(SQLIdentifier(column.sealed), .isNot, SQLLiteral.null).limit(1).first(decoding: Row.self)
            else { continue }
            let id = FieldCipher.keyID(of: row.value) ?? "?"
            guard id == ring.current.keyID || id == ring.next?.keyID else {
                throw LoadFailure(
                    description: "数据库中的\(column.label)由另一个数据密钥加密(密钥标识 \(id)),当前密钥标识为 \(ring.current.keyID):"
                        + "请设置正确的 TONGGUAN_DATA_KEY(或放回原来的密钥文件)后再启动")
            }
        }
    }

    /// Loads the key ring once per application (making the key file on first start and
    /// queueing its console notice), records `columns` as sealed for the start-up check and
    /// for `keys rotate`, and refuses a key that cannot open what those columns hold. Call
    /// it from a module's `seed`; a failure stops the start with its message (exit code 2).
    @discardableResult
    static func prepare(
        _ app: Application, columns: [SealedColumn], unrotatable: [UnrotatableSeals] = [], rotations: [SealedValueRotation] = []
    ) async throws -> KeyRing {
        do {
            let ring: KeyRing
            if let loaded = app.storage[DataKeysKey.self] {
                ring = loaded
            } else {
                let (loaded, notice) = try load(app.tongguan.settings, logger: app.logger)
                if let notice { app.consoleNotices.add(notice) }
                app.storage[DataKeysKey.self] = loaded
                ring = loaded
            }
            let known = app.storage[SealedColumnsKey.self] ?? []
            app.storage[SealedColumnsKey.self] = known + columns.filter { !known.contains($0) }
            let held = app.storage[UnrotatableSealsKey.self] ?? []
            app.storage[UnrotatableSealsKey.self] = held + unrotatable.filter { u in !held.contains { $0.label == u.label } }
            let hooks = app.storage[RotationsKey.self] ?? []
            app.storage[RotationsKey.self] = hooks + rotations.filter { r in !hooks.contains { $0.label == r.label } }
            try await checkStoredValues(ring, columns: columns, on: app.db)
            return ring
        } catch let failure as LoadFailure {
            throw CommandFailure(message: failure.description, exitCode: 2)
        }
    }
}

/// A column of values sealed under the data key (`FieldCipher`: `v1.<key id>.<base64>`),
/// optionally with the column of their blind index (HMAC-SHA256 under a derived key, for
/// exact lookup and uniqueness). The table's primary key `id` must be a UUID (rotation walks
/// it in order).
struct SealedColumn: Sendable, Hashable {
    var table: String
    var sealed: String
    var blindIndex: String?
    /// What the values are, in Chinese, for the start-up refusal ("身份证号").
    var label: String
}

/// Sealed values a `SealedColumn` cannot describe (inside a JSON document, with their blind
/// indexes in other tables), which the module that keeps them re-seals itself when `keys
/// rotate` asks: batch after batch, each inside the platform's audited transaction, from a
/// cursor the module chooses, so the job resumes anywhere. `rotate` re-seals every value of
/// up to `batch` records after `after` (nil: from the start) that is not yet under the
/// ring's sealing key, recomputes their blind indexes, and leaves alone a record changed
/// meanwhile (a writer during the rotation seals under the new key already).
struct SealedValueRotation: Sendable {
    struct Step: Sendable, Equatable {
        var scanned: Int
        var rotated: Int
        /// Where the next batch starts; nil when every record has been seen.
        var next: String?
    }

    /// What and where, in Chinese ("台账事项中的身份证号"), for the audit trail and messages.
    var label: String
    /// How many stored values are not yet under the ring's sealing key.
    var remaining: @Sendable (KeyRing, any Database) async throws -> Int
    var rotate: @Sendable (_ ring: KeyRing, _ after: String?, _ batch: Int, _ tx: any Database) async throws -> Step
}

/// Values sealed under the data key where neither a `SealedColumn` nor a
/// `SealedValueRotation` re-seals them, which `keys rotate` therefore cannot re-seal. While any are stored, rotation
/// refuses: retiring the old key afterwards would leave them unreadable.
struct UnrotatableSeals: Sendable {
    /// What and where, in Chinese ("台账事项中的身份证号").
    var label: String
    /// How many such values are stored.
    var count: @Sendable (any Database) async throws -> Int
}

private struct DataKeysKey: StorageKey { typealias Value = KeyRing }
private struct UnrotatableSealsKey: StorageKey { typealias Value = [UnrotatableSeals] }
private struct SealedColumnsKey: StorageKey { typealias Value = [SealedColumn] }
private struct RotationsKey: StorageKey { typealias Value = [SealedValueRotation] }

extension Application {
    /// The data keys, loaded by `DataProtection.prepare` at start.
    var dataKeys: KeyRing {
        get throws {
            guard let ring = storage[DataKeysKey.self] else { throw Abort(.internalServerError, reason: "data keys not loaded") }
            return ring
        }
    }

    /// Every column the modules declared as sealed.
    var sealedColumns: [SealedColumn] { storage[SealedColumnsKey.self] ?? [] }

    /// Every module's own re-sealing of values no `SealedColumn` describes.
    var sealedValueRotations: [SealedValueRotation] { storage[RotationsKey.self] ?? [] }

    /// Every place the modules declared holds sealed values `keys rotate` cannot re-seal.
    var unrotatableSeals: [UnrotatableSeals] { storage[UnrotatableSealsKey.self] ?? [] }
}

extension Request {
    var dataKeys: KeyRing { get throws { try application.dataKeys } }
}
