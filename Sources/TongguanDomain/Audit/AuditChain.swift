import Crypto
import Foundation

/// One field's change as the audit trail keeps it. Values are text as shown to people;
/// personal data is masked before it gets here (see `PersonalData`).
public struct AuditChange: Hashable, Sendable, Codable {
    public let field: String
    public let before: String?
    public let after: String?

    public init(field: String, before: String?, after: String?) {
        self.field = field
        self.before = before
        self.after = after
    }

    /// The stored form: a JSON array sorted by field, keys in order (`after`, `before`,
    /// `field`), absent values omitted. Written by hand: an import records 100,000 events
    /// and a JSONEncoder per event would cost more than the rest of the audit work. The
    /// chain hashes the stored text, so the form only has to be stable between writing
    /// and reading one row.
    public static func encode(_ changes: [AuditChange]) -> String {
        var out = "["
        for (i, c) in changes.sorted(by: { $0.field < $1.field }).enumerated() {
            if i > 0 { out += "," }
            out += "{"
            var first = true
            for (key, value) in [("after", c.after), ("before", c.before), ("field", Optional(c.field))] {
                guard let value else { continue }
                if !first { out += "," }
                first = false
                out += "\"" + key + "\":"
                appendJSONString(value, to: &out)
            }
            out += "}"
        }
        return out + "]"
    }

    static func appendJSONString(_ s: String, to out: inout String) {
        out += "\""
        // Most values need no escape: appended whole (an import encodes 100,000 lists). A
        // 0xC2 lead byte may start a C1 control (U+0080…U+009F), so it takes the slow path.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xC2 }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // DEL and C1 as JSON escapes too: left raw, `sealed()` would turn them into `\u{85}`,
            // which is not JSON, and the whole list would no longer decode.
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    public static func decode(_ text: String) -> [AuditChange] {
        (try? JSONDecoder().decode([AuditChange].self, from: Data(text.utf8))) ?? []
    }
}

/// The content of one audit event, exactly as stored. Each event's hash covers its own
/// content and the previous event's hash, so changing, removing or reordering any stored
/// event breaks every hash after it.
public struct AuditRecord: Hashable, Sendable {
    public var seq: Int64
    /// UTC, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`: fixed width, so text order is time order.
    public var occurredAt: String
    public var actor: String
    public var action: String
    public var entityType: String
    public var entityID: String
    public var divisionCode: String
    public var changes: String
    public var requestID: String
    public var clientAddress: String
    public var prevHash: String
    public var hash: String

    public init(
        seq: Int64, occurredAt: String, actor: String, action: String, entityType: String,
        entityID: String, divisionCode: String, changes: String, requestID: String,
        clientAddress: String, prevHash: String, hash: String = ""
    ) {
        self.seq = seq
        self.occurredAt = occurredAt
        self.actor = actor
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.divisionCode = divisionCode
        self.changes = changes
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.prevHash = prevHash
        self.hash = hash
    }

    /// Length-prefixed fields: no choice of separator can make two different events read alike.
    public var canonicalText: String {
        let fields = [
            String(seq), occurredAt, actor, action, entityType, entityID, divisionCode,
            changes, requestID, clientAddress, prevHash,
        ]
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    public var computedHash: String {
        Hex.encode(SHA256.hash(data: Data(canonicalText.utf8)))
    }

    /// A new event, its texts made storable (see `AuditText`) before the hash is taken, so
    /// what the database gives back is byte for byte what the hash covers. Stored events are
    /// verified as they are: only new ones are escaped.
    public func sealed() -> AuditRecord {
        var copy = self
        for field in [
            \AuditRecord.occurredAt, \.actor, \.action, \.entityType, \.entityID, \.divisionCode,
            \.changes, \.requestID, \.clientAddress,
        ] {
            copy[keyPath: field] = AuditText.storable(copy[keyPath: field])
        }
        copy.hash = copy.computedHash
        return copy
    }
}

public enum AuditChain {
    /// The `prevHash` of the first event.
    public static let genesisHash = String(repeating: "0", count: 64)

    public enum Verdict: Equatable, Sendable {
        case intact(count: Int)
        case broken(seq: Int64, reason: String)
    }

    /// Walks events in `seq` order, as a stream so a long trail never sits in memory whole.
    public struct Verifier: Sendable {
        private var expectedPrev = AuditChain.genesisHash
        private var expectedSeq: Int64 = 1
        public private(set) var count = 0
        public private(set) var failure: Verdict?

        public init() {}

        public mutating func check(_ record: AuditRecord) {
            guard failure == nil else { return }
            if record.seq != expectedSeq {
                failure = .broken(seq: record.seq, reason: "序号不连续:应为 \(expectedSeq)")
            } else if record.prevHash != expectedPrev {
                failure = .broken(seq: record.seq, reason: "前一事件哈希不符")
            } else if record.hash != record.computedHash {
                failure = .broken(seq: record.seq, reason: "事件内容与哈希不符")
            }
            guard failure == nil else { return }
            count += 1
            expectedSeq += 1
            expectedPrev = record.hash
        }

        /// `lastHash` is what the chain head says; a deleted tail shows up as a mismatch here.
        public func verdict(headSeq: Int64, headHash: String) -> Verdict {
            if let failure { return failure }
            if headSeq != Int64(count) || headHash != expectedPrev {
                return .broken(seq: Int64(count) + 1, reason: "链尾与链头记录不符(事件被删除或截断)")
            }
            return .intact(count: count)
        }
    }
}

/// Text as both databases store and return it unchanged. PostgreSQL refuses U+0000 in text
/// and SQLite hands text back only up to it; other control characters are escaped too, so
/// an audit row read in a terminal cannot rewrite the screen. Escapes read `\u{0}`; the
/// mapping is idempotent, so a stored value passes through again unchanged.
public enum AuditText {
    public static func storable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }
}
