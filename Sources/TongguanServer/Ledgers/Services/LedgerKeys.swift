import Foundation
import NIOConcurrencyHelpers
import TongguanDomain
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// Where the ledgers' resident-ID key comes from. Until the platform has one key service
/// for every module, the ledgers read it themselves: `TONGGUAN_DATA_KEY`, else (SQLite) the
/// key file beside the database, `<database>.key`, made with mode 0600 on first use — the
/// same file and format the 监测 registry uses, so both read one key. On PostgreSQL the
/// variable is required. Tests install a fixed key with `useLedgerKeys`.
protocol LedgerKeySource: Sendable {
    func keyRing() throws -> KeyRing
}

struct EnvironmentLedgerKeys: LedgerKeySource {
    var database: Settings.DatabaseTarget
    var environment: [String: String] = ProcessInfo.processInfo.environment

    func keyRing() throws -> KeyRing {
        if let text = environment["TONGGUAN_DATA_KEY"], !text.isEmpty {
            do { return try KeyRing(current: FieldCipher(DataKey(base64: text))) } catch {
                throw LedgerStorageError(message: "TONGGUAN_DATA_KEY:\(error)")
            }
        }
        guard case .sqlite(let path) = database else {
            throw LedgerStorageError(message: "使用 PostgreSQL 时必须设置 TONGGUAN_DATA_KEY(32字节随机数的 base64),台账中的身份证号用它加密")
        }
        let file = URL(fileURLWithPath: path + ".key").standardizedFileURL.path
        if let data = FileManager.default.contents(atPath: file) {
            do { return try KeyRing(current: FieldCipher(DataKey(base64: String(decoding: data, as: UTF8.self)))) } catch {
                throw LedgerStorageError(message: "数据密钥文件 \(file) 内容无效")
            }
        }
        let key = DataKey.generate()
        // O_EXCL: never overwrite a key another process just wrote; 0600 from the first byte.
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if let data = FileManager.default.contents(atPath: file),
                let ring = try? KeyRing(current: FieldCipher(DataKey(base64: String(decoding: data, as: UTF8.self))))
            {
                return ring
            }
            throw LedgerStorageError(message: "无法创建数据密钥文件 \(file)")
        }
        let bytes = Array((key.base64 + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            unlink(file)
            throw LedgerStorageError(message: "无法写入数据密钥文件 \(file)")
        }
        return try KeyRing(current: FieldCipher(key))
    }
}

/// A key given in code (tests).
struct FixedLedgerKeys: LedgerKeySource {
    var ring: KeyRing
    func keyRing() throws -> KeyRing { ring }
}

private struct LedgerKeysKey: StorageKey { typealias Value = NIOLockedValueBox<LedgerKeyState> }

struct LedgerKeyState: Sendable {
    var source: (any LedgerKeySource)?
    var ring: KeyRing?
}

extension Application {
    /// Made at start (the module's seed), before any request can race to make it.
    func prepareLedgerKeys() {
        if storage[LedgerKeysKey.self] == nil { storage[LedgerKeysKey.self] = NIOLockedValueBox(LedgerKeyState()) }
    }

    private var ledgerKeyBox: NIOLockedValueBox<LedgerKeyState> {
        guard let box = storage[LedgerKeysKey.self] else {
            let box = NIOLockedValueBox(LedgerKeyState())
            storage[LedgerKeysKey.self] = box
            return box
        }
        return box
    }

    /// Replaces where the keys come from (tests: a fixed key).
    func useLedgerKeys(_ source: any LedgerKeySource) {
        ledgerKeyBox.withLockedValue { $0 = LedgerKeyState(source: source, ring: nil) }
    }

    /// The ledgers' key ring, read once and kept. Without a usable key, writing or reading a
    /// resident ID answers 503 with the reason (the rest of the ledgers keep working).
    var ledgerKeys: KeyRing {
        get throws {
            let database = tongguan.settings.database
            do {
                return try ledgerKeyBox.withLockedValue { state in
                    if let ring = state.ring { return ring }
                    let ring = try (state.source ?? EnvironmentLedgerKeys(database: database)).keyRing()
                    state.ring = ring
                    return ring
                }
            } catch let error as LedgerStorageError {
                logger.error("ledger data key unavailable", metadata: ["reason": .string(error.message)])
                throw Problem(.serviceUnavailable, detail: "身份证号加密密钥不可用:" + error.message)
            }
        }
    }
}
