import Testing

@testable import TongguanDomain

@Suite("AuditText and sealing: control characters escaped, everything else kept, chains verify")
struct AuditTextTests {
    /// The first three scalars of each general category (the 29 a scalar can have: surrogates
    /// are not scalars), found by walking the whole code space.
    static let categorySamples: [[Unicode.Scalar]] = {
        var found: [Unicode.GeneralCategory: [Unicode.Scalar]] = [:]
        var order: [Unicode.GeneralCategory] = []
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            let category = s.properties.generalCategory
            if found[category] == nil { order.append(category) }
            if found[category, default: []].count < 3 { found[category, default: []].append(s) }
        }
        return order.map { found[$0]! }
    }()

    static func escapedBySpec(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s.value != 0x09 && s.value != 0x0A) || (0x7F...0x9F).contains(s.value)
    }

    /// The storable form by the rule as written: `\u{hex}` for the escaped scalars.
    static func expectedStorable(_ text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.flatMap { s in
            escapedBySpec(s) ? Array("\\u{\(String(s.value, radix: 16))}".unicodeScalars) : [s]
        }
    }

    static func text(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    @Test("all 29 scalar general categories are sampled")
    func samplesCoverEveryCategory() {
        #expect(Self.categorySamples.count == 29)
        #expect(Set(Self.categorySamples.map { "\($0[0].properties.generalCategory)" }).count == 29)
    }

    @Test("C0 except TAB and LF, DEL and C1 become \\u{hex}; TAB, LF and printable ASCII stay")
    func lowScalars() {
        for v in UInt32(0)...0x9F {
            let s = Unicode.Scalar(v)!
            let out = AuditText.storable("a" + String(Character(s)) + "b")
            let middle = Self.escapedBySpec(s) ? "\\u{\(String(v, radix: 16))}" : String(Character(s))
            #expect(Array(out.unicodeScalars) == Array(("a" + middle + "b").unicodeScalars), "U+\(String(v, radix: 16))")
        }
        #expect(AuditText.storable("\u{0}") == "\\u{0}")
        #expect(AuditText.storable("\u{1B}[2J") == "\\u{1b}[2J")
        #expect(AuditText.storable("a\r\nb") == "a\\u{d}\nb")
        #expect(AuditText.storable("\u{7F}\u{85}\u{9F}") == "\\u{7f}\\u{85}\\u{9f}")
    }

    @Test("samples of every general category are unchanged unless they are escaped controls")
    func everyCategory() {
        for samples in Self.categorySamples {
            for s in samples {
                let raw = Self.text(["x", s, "y"])
                #expect(Array(AuditText.storable(raw).unicodeScalars) == Self.expectedStorable(raw), "U+\(String(s.value, radix: 16))")
            }
        }
    }

    @Test("every scalar above U+009F is unchanged")
    func everyHighScalar() {
        var changed: [UInt32] = []
        for v in UInt32(0xA0)...0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            let raw = String(Character(s))
            if AuditText.storable(raw).unicodeScalars.count != 1 || AuditText.storable(raw).unicodeScalars.first != s { changed.append(v) }
        }
        #expect(changed.isEmpty, "changed: \(changed.prefix(10))")
    }

    @Test("storable is idempotent and leaves nothing to escape, over random text")
    func idempotent() {
        var rng = SeededNumbers(seed: 0xA0D17)
        let pool: [UInt32] = [0x0, 0x9, 0xA, 0xD, 0x1B, 0x5C, 0x7B, 0x7D, 0x75, 0x7F, 0x85, 0x9F, 0xA0, 0x301, 0x202E, 0xFEFF, 0x1F468, 0x200D]
        for _ in 0..<5_000 {
            var scalars: [Unicode.Scalar] = []
            for _ in 0..<rng.below(12) {
                let v = rng.below(2) == 0 ? pool[Int(rng.below(UInt64(pool.count)))] : UInt32(rng.below(0x110000))
                if let s = Unicode.Scalar(v) { scalars.append(s) }
            }
            let once = AuditText.storable(Self.text(scalars))
            #expect(Array(once.unicodeScalars) == Self.expectedStorable(Self.text(scalars)))
            #expect(Array(AuditText.storable(once).unicodeScalars) == Array(once.unicodeScalars))
            #expect(!once.unicodeScalars.contains(where: Self.escapedBySpec))
        }
    }

    // MARK: Sealing and verifying

    static func record(seq: Int64, prevHash: String, text: String) -> AuditRecord {
        AuditRecord(
            seq: seq, occurredAt: "2024-05-01T08:00:00.000Z" + text, actor: "actor" + text, action: "act" + text,
            entityType: "type" + text, entityID: "id" + text, divisionCode: "141124" + text,
            changes: AuditChange.encode([AuditChange(field: "f" + text, before: text, after: nil)]) + text,
            requestID: "req" + text, clientAddress: "10.0.0.1" + text, prevHash: prevHash)
    }

    static func textFields(_ r: AuditRecord) -> [[Unicode.Scalar]] {
        [r.occurredAt, r.actor, r.action, r.entityType, r.entityID, r.divisionCode, r.changes, r.requestID, r.clientAddress]
            .map { Array($0.unicodeScalars) }
    }

    /// One event per category, each carrying that category's samples, and a last one carrying NUL.
    static func chain() -> [AuditRecord] {
        var prev = AuditChain.genesisHash
        return (categorySamples + [["\u{0}", "\u{1B}", "\u{85}"]]).enumerated().map { i, samples in
            let r = record(seq: Int64(i + 1), prevHash: prev, text: text(samples)).sealed()
            prev = r.hash
            return r
        }
    }

    @Test("sealed() makes every text field storable and hashes the sealed copy")
    func sealedFields() {
        let raw = Self.record(seq: 7, prevHash: AuditChain.genesisHash, text: "\u{0}\t\n\r\u{1B}\u{7F}\u{85}张\u{202E}")
        let sealed = raw.sealed()
        #expect(Self.textFields(sealed) == Self.textFields(raw).map { Self.expectedStorable(Self.text($0)) })
        #expect(sealed.hash == sealed.computedHash)
        #expect(sealed.hash != raw.computedHash)
        #expect(sealed.seq == raw.seq && sealed.prevHash == raw.prevHash)
        #expect(!sealed.canonicalText.unicodeScalars.contains(where: Self.escapedBySpec))
        #expect(Self.textFields(sealed.sealed()) == Self.textFields(sealed))
        #expect(sealed.sealed().hash == sealed.hash)
    }

    @Test("a chain whose texts hold every general category, NUL included, verifies intact")
    func chainOfEveryCategory() {
        let records = Self.chain()
        var verifier = AuditChain.Verifier()
        records.forEach { verifier.check($0) }
        #expect(verifier.verdict(headSeq: records.last!.seq, headHash: records.last!.hash) == .intact(count: records.count))
    }

    @Test("events rebuilt from stored text are not re-escaped and verify unchanged")
    func storedEventsReadBack() {
        let stored = Self.chain()
        var verifier = AuditChain.Verifier()
        for r in stored {
            // What a database row gives back: the stored strings and hash, through the plain initialiser.
            let read = AuditRecord(
                seq: r.seq, occurredAt: r.occurredAt, actor: r.actor, action: r.action, entityType: r.entityType,
                entityID: r.entityID, divisionCode: r.divisionCode, changes: r.changes, requestID: r.requestID,
                clientAddress: r.clientAddress, prevHash: r.prevHash, hash: r.hash)
            #expect(Self.textFields(read) == Self.textFields(r))
            #expect(read.hash == r.hash && read.computedHash == r.hash)
            verifier.check(read)
        }
        #expect(verifier.verdict(headSeq: stored.last!.seq, headHash: stored.last!.hash) == .intact(count: stored.count))
    }

    @Test("a stored escape sequence is text like any other: kept, and verified as stored")
    func literalEscapeText() {
        let r = AuditRecord(
            seq: 1, occurredAt: "2024-05-01T08:00:00.000Z", actor: "a\\u{0}b", action: "x", entityType: "t",
            entityID: "\\u{1b}", divisionCode: "141124", changes: "[]", requestID: "r", clientAddress: "::1",
            prevHash: AuditChain.genesisHash)
        let sealed = r.sealed()
        #expect(sealed.actor == "a\\u{0}b" && sealed.entityID == "\\u{1b}")
        #expect(sealed.hash == r.computedHash)
    }

    @Test("the verifier checks the stored text itself: an unescaped NUL where the escape was stored breaks the chain")
    func verifierDoesNotEscape() {
        let sealed = Self.record(seq: 1, prevHash: AuditChain.genesisHash, text: "\u{0}").sealed()
        var tampered = sealed
        tampered.actor = "actor\u{0}"
        var verifier = AuditChain.Verifier()
        verifier.check(tampered)
        #expect(verifier.verdict(headSeq: 1, headHash: sealed.hash) == .broken(seq: 1, reason: "事件内容与哈希不符"))
    }

    @Test("changes holding DEL or C1 controls still decode after sealing", arguments: ["\u{7F}", "\u{85}", "a\u{9F}b", "\u{0}\u{1F}"])
    func changesSurviveSealing(_ value: String) {
        let changes = [AuditChange(field: "备注", before: value, after: "新" + value)]
        let r = AuditRecord(
            seq: 1, occurredAt: "2024-05-01T08:00:00.000Z", actor: "a", action: "x", entityType: "t", entityID: "1",
            divisionCode: "141124", changes: AuditChange.encode(changes), requestID: "r", clientAddress: "::1",
            prevHash: AuditChain.genesisHash
        ).sealed()
        #expect(AuditChange.decode(r.changes) == changes)
    }
}
