import Foundation
import Testing

@testable import TongguanDomain

@Suite("AuditChain")
struct AuditChainTests {
    static func record(
        seq: Int64, prevHash: String, actor: String = "admin", action: String = "household.update",
        entityType: String = "household", entityID: String = "H-1", divisionCode: String = "141124",
        changes: String = "[]", requestID: String = "req", clientAddress: String = "10.0.0.1",
        occurredAt: String = "2024-05-01T08:00:00.000Z"
    ) -> AuditRecord {
        AuditRecord(
            seq: seq, occurredAt: occurredAt, actor: actor, action: action, entityType: entityType,
            entityID: entityID, divisionCode: divisionCode, changes: changes, requestID: requestID,
            clientAddress: clientAddress, prevHash: prevHash)
    }

    /// A sealed chain of `n` events, seq 1...n.
    static func chain(_ n: Int) -> [AuditRecord] {
        var result: [AuditRecord] = []
        var prev = AuditChain.genesisHash
        for i in 1...max(n, 1) where i <= n {
            let r = record(
                seq: Int64(i), prevHash: prev, entityID: "H-\(i)",
                changes: AuditChange.encode([AuditChange(field: "n", before: nil, after: String(i))])
            ).sealed()
            result.append(r)
            prev = r.hash
        }
        return result
    }

    static func verify(_ records: [AuditRecord], headSeq: Int64, headHash: String) -> AuditChain.Verdict {
        var verifier = AuditChain.Verifier()
        for r in records { verifier.check(r) }
        return verifier.verdict(headSeq: headSeq, headHash: headHash)
    }

    static func verify(_ records: [AuditRecord]) -> AuditChain.Verdict {
        verify(records, headSeq: records.last?.seq ?? 0, headHash: records.last?.hash ?? AuditChain.genesisHash)
    }

    static func isLowerHex64(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    // MARK: Canonical text and hash

    @Test("canonical text is length-prefixed and pipe-joined")
    func canonicalTextShape() {
        let r = AuditRecord(
            seq: 12, occurredAt: "2024-05-01T08:00:00.000Z", actor: "张三", action: "a",
            entityType: "", entityID: "x|y", divisionCode: "141124", changes: "[]",
            requestID: "r", clientAddress: "::1", prevHash: "p", hash: "ignored")
        #expect(r.canonicalText == "2:12|24:2024-05-01T08:00:00.000Z|6:张三|1:a|0:|3:x|y|6:141124|2:[]|1:r|3:::1|1:p")
    }

    @Test("the stored hash is not part of the canonical text")
    func hashNotHashed() {
        var a = Self.record(seq: 1, prevHash: AuditChain.genesisHash)
        let before = a.canonicalText
        a.hash = "whatever"
        #expect(a.canonicalText == before)
    }

    @Test("sealed() sets a 64-char lower-case hex SHA-256 and changes nothing else")
    func sealedHash() {
        let r = Self.record(seq: 1, prevHash: AuditChain.genesisHash)
        let s = r.sealed()
        #expect(Self.isLowerHex64(s.hash))
        #expect(s.hash == r.computedHash)
        var unsealed = s
        unsealed.hash = ""
        #expect(unsealed == r)
        #expect(r.hash == "")
        #expect(s.sealed() == s)
    }

    @Test("known SHA-256 value of a canonical text")
    func knownDigest() {
        // SHA-256 of "1:1|0:|0:|0:|0:|0:|0:|0:|0:|0:|0:"
        let r = AuditRecord(
            seq: 1, occurredAt: "", actor: "", action: "", entityType: "", entityID: "",
            divisionCode: "", changes: "", requestID: "", clientAddress: "", prevHash: "")
        #expect(r.canonicalText == "1:1|0:|0:|0:|0:|0:|0:|0:|0:|0:|0:")
        #expect(r.computedHash == "086dc2e32242832f9ffa741df435f643011a7e00e0f2d88337f0e749c51398f4")
    }

    /// Moving one character across each boundary between adjacent fields must change the hash.
    @Test("moving a character between adjacent fields changes the hash", arguments: 0..<9)
    func unambiguous(_ boundary: Int) {
        func fields(_ r: AuditRecord) -> [String] {
            [
                r.occurredAt, r.actor, r.action, r.entityType, r.entityID, r.divisionCode,
                r.changes, r.requestID, r.clientAddress, r.prevHash,
            ]
        }
        func make(_ f: [String]) -> AuditRecord {
            AuditRecord(
                seq: 7, occurredAt: f[0], actor: f[1], action: f[2], entityType: f[3], entityID: f[4],
                divisionCode: f[5], changes: f[6], requestID: f[7], clientAddress: f[8], prevHash: f[9])
        }
        let base = ["ab|1:", "cd", "e:f", "g|h", "1:i", "j", "k", "l", "m", "n"]
        var moved = base
        // take the last character of field `boundary` and put it in front of field `boundary + 1`
        let ch = moved[boundary].removeLast()
        moved[boundary + 1].insert(ch, at: moved[boundary + 1].startIndex)
        let a = make(base), b = make(moved)
        #expect(fields(a).joined() == fields(b).joined())
        #expect(a.canonicalText != b.canonicalText)
        #expect(a.computedHash != b.computedHash)
    }

    @Test("moving a digit between seq and occurredAt changes the hash")
    func seqBoundary() {
        let a = Self.record(seq: 12, prevHash: "p", occurredAt: "3")
        let b = Self.record(seq: 1, prevHash: "p", occurredAt: "23")
        #expect(a.canonicalText != b.canonicalText)
        #expect(a.computedHash != b.computedHash)
    }

    @Test("separator look-alikes inside fields cannot forge another record")
    func forgedSeparators() {
        // With a naive "|" join these two would read the same.
        let a = Self.record(seq: 1, prevHash: "p", actor: "a|6:b", action: "c")
        let b = Self.record(seq: 1, prevHash: "p", actor: "a", action: "b|1:c")
        #expect(a.canonicalText != b.canonicalText)
        #expect(a.computedHash != b.computedHash)
    }

    @Test("length prefixes count UTF-8 bytes")
    func byteLengths() {
        let r = Self.record(seq: 1, prevHash: "", actor: "临县")
        #expect(r.canonicalText.contains("|6:临县|"))
    }

    @Test("every field affects the hash", arguments: 0..<11)
    func everyField(_ index: Int) {
        let base = Self.record(seq: 1, prevHash: AuditChain.genesisHash)
        var r = base
        switch index {
        case 0: r.seq = 2
        case 1: r.occurredAt = "2024-05-01T08:00:00.001Z"
        case 2: r.actor = "admin2"
        case 3: r.action = "household.create"
        case 4: r.entityType = "case"
        case 5: r.entityID = "H-2"
        case 6: r.divisionCode = "141123"
        case 7: r.changes = "[{}]"
        case 8: r.requestID = "req2"
        case 9: r.clientAddress = "10.0.0.2"
        default: r.prevHash = String(repeating: "1", count: 64)
        }
        #expect(r.computedHash != base.computedHash)
    }

    @Test("genesis hash is 64 zeros")
    func genesis() {
        #expect(AuditChain.genesisHash == String(repeating: "0", count: 64))
    }

    // MARK: Verifier

    @Test("an intact chain verifies", arguments: [1, 2, 3, 10, 100])
    func intact(_ n: Int) {
        let records = Self.chain(n)
        #expect(Self.verify(records) == .intact(count: n))
        var verifier = AuditChain.Verifier()
        for r in records { verifier.check(r) }
        #expect(verifier.count == n)
        #expect(verifier.failure == nil)
    }

    @Test("an empty chain with head seq 0 and the genesis hash is intact(0)")
    func emptyChain() {
        let verifier = AuditChain.Verifier()
        #expect(verifier.verdict(headSeq: 0, headHash: AuditChain.genesisHash) == .intact(count: 0))
        #expect(verifier.count == 0)
    }

    @Test("an empty chain whose head claims events is broken")
    func emptyChainWithHead() {
        let verifier = AuditChain.Verifier()
        #expect(
            verifier.verdict(headSeq: 1, headHash: AuditChain.genesisHash)
                == .broken(seq: 1, reason: "链尾与链头记录不符(事件被删除或截断)"))
        #expect(
            verifier.verdict(headSeq: 0, headHash: String(repeating: "f", count: 64))
                == .broken(seq: 1, reason: "链尾与链头记录不符(事件被删除或截断)"))
    }

    @Test("tampered content is detected at that event", arguments: 1...5)
    func tamperedContent(_ at: Int) {
        var records = Self.chain(5)
        records[at - 1].actor = "mallory"
        #expect(Self.verify(records) == .broken(seq: Int64(at), reason: "事件内容与哈希不符"))
    }

    @Test("tampered hash field is detected")
    func tamperedHash() {
        var records = Self.chain(3)
        records[1].hash = String(repeating: "a", count: 64)
        #expect(
            Self.verify(records, headSeq: 3, headHash: records[2].hash)
                == .broken(seq: 2, reason: "事件内容与哈希不符"))
    }

    @Test("a tampered and re-sealed event breaks the next event's link")
    func resealed() {
        var records = Self.chain(5)
        records[2].changes = "[]"
        records[2] = records[2].sealed()
        #expect(Self.verify(records) == .broken(seq: 4, reason: "前一事件哈希不符"))
    }

    @Test("a tampered and re-sealed last event is caught by the head")
    func resealedLast() {
        let original = Self.chain(5)
        var records = original
        records[4].actor = "mallory"
        records[4] = records[4].sealed()
        #expect(
            Self.verify(records, headSeq: 5, headHash: original[4].hash)
                == .broken(seq: 6, reason: "链尾与链头记录不符(事件被删除或截断)"))
    }

    @Test("a broken prevHash is detected")
    func brokenPrev() {
        var records = Self.chain(4)
        records[2].prevHash = String(repeating: "1", count: 64)
        records[2] = records[2].sealed()
        #expect(Self.verify(records) == .broken(seq: 3, reason: "前一事件哈希不符"))
    }

    @Test("the first event must link to the genesis hash")
    func firstLinksGenesis() {
        let r = Self.record(seq: 1, prevHash: String(repeating: "1", count: 64)).sealed()
        #expect(Self.verify([r]) == .broken(seq: 1, reason: "前一事件哈希不符"))
    }

    @Test("the first event must have seq 1")
    func firstSeq() {
        let r = Self.record(seq: 2, prevHash: AuditChain.genesisHash).sealed()
        #expect(Self.verify([r]) == .broken(seq: 2, reason: "序号不连续:应为 1"))
        let zero = Self.record(seq: 0, prevHash: AuditChain.genesisHash).sealed()
        #expect(Self.verify([zero]) == .broken(seq: 0, reason: "序号不连续:应为 1"))
    }

    @Test("a skipped seq is detected")
    func skipped() {
        var records = Self.chain(5)
        records.remove(at: 2)
        #expect(Self.verify(records) == .broken(seq: 4, reason: "序号不连续:应为 3"))
    }

    @Test("reordered events are detected")
    func reordered() {
        var records = Self.chain(5)
        records.swapAt(1, 2)
        #expect(Self.verify(records) == .broken(seq: 3, reason: "序号不连续:应为 2"))
    }

    @Test("a duplicated event is detected")
    func duplicated() {
        var records = Self.chain(3)
        records.insert(records[1], at: 2)
        #expect(Self.verify(records) == .broken(seq: 2, reason: "序号不连续:应为 3"))
    }

    @Test("a removed first event is detected")
    func removedFirst() {
        let records = Array(Self.chain(3).dropFirst())
        #expect(Self.verify(records) == .broken(seq: 2, reason: "序号不连续:应为 1"))
    }

    @Test("a truncated tail is detected through the head", arguments: [1, 2, 4])
    func truncatedTail(_ kept: Int) {
        let full = Self.chain(5)
        let kept = Array(full.prefix(kept))
        #expect(
            Self.verify(kept, headSeq: 5, headHash: full[4].hash)
                == .broken(seq: Int64(kept.count) + 1, reason: "链尾与链头记录不符(事件被删除或截断)"))
    }

    @Test("a fully deleted trail is detected through the head")
    func fullyDeleted() {
        let full = Self.chain(3)
        #expect(
            Self.verify([], headSeq: 3, headHash: full[2].hash)
                == .broken(seq: 1, reason: "链尾与链头记录不符(事件被删除或截断)"))
    }

    @Test("head with the right seq but the wrong hash is broken")
    func headHashMismatch() {
        let records = Self.chain(3)
        #expect(
            Self.verify(records, headSeq: 3, headHash: records[1].hash)
                == .broken(seq: 4, reason: "链尾与链头记录不符(事件被删除或截断)"))
    }

    @Test("head with the right hash but the wrong seq is broken")
    func headSeqMismatch() {
        let records = Self.chain(3)
        #expect(
            Self.verify(records, headSeq: 4, headHash: records[2].hash)
                == .broken(seq: 4, reason: "链尾与链头记录不符(事件被删除或截断)"))
    }

    @Test("the first failure sticks; later events are ignored")
    func firstFailureSticks() {
        var records = Self.chain(6)
        records[1].actor = "x"  // seq 2: content
        records[3].prevHash = "bad"  // seq 4: would be a link failure
        var verifier = AuditChain.Verifier()
        for r in records { verifier.check(r) }
        #expect(verifier.failure == .broken(seq: 2, reason: "事件内容与哈希不符"))
        #expect(verifier.count == 1)
        #expect(
            verifier.verdict(headSeq: 6, headHash: records[5].hash)
                == .broken(seq: 2, reason: "事件内容与哈希不符"))
    }

    @Test("streaming a chain in pieces gives the same verdict")
    func streaming() {
        let records = Self.chain(20)
        var verifier = AuditChain.Verifier()
        for r in records.prefix(7) { verifier.check(r) }
        #expect(verifier.count == 7)
        #expect(verifier.verdict(headSeq: 7, headHash: records[6].hash) == .intact(count: 7))
        for r in records.dropFirst(7) { verifier.check(r) }
        #expect(verifier.verdict(headSeq: 20, headHash: records[19].hash) == .intact(count: 20))
    }

    // MARK: AuditChange encoding

    @Test("encode sorts by field and omits nil values")
    func encodeSorted() {
        let text = AuditChange.encode([
            AuditChange(field: "phone", before: "138****0000", after: nil),
            AuditChange(field: "address", before: nil, after: "山西省吕梁***"),
            AuditChange(field: "name", before: "张*", after: "李*"),
        ])
        #expect(
            text == #"[{"after":"山西省吕梁***","field":"address"},{"after":"李*","before":"张*","field":"name"},{"before":"138****0000","field":"phone"}]"#)
    }

    @Test("encode of nothing is an empty array")
    func encodeEmpty() {
        #expect(AuditChange.encode([]) == "[]")
        #expect(AuditChange.decode("[]") == [])
    }

    @Test("encode does not escape slashes")
    func slashes() {
        let text = AuditChange.encode([AuditChange(field: "url", before: "a/b", after: "c\\d\"e")])
        #expect(text == #"[{"after":"c\\d\"e","before":"a/b","field":"url"}]"#)
    }

    @Test("encode is independent of input order")
    func orderIndependent() {
        let changes = (0..<10).map { AuditChange(field: "f\($0)", before: String($0), after: nil) }
        #expect(AuditChange.encode(changes) == AuditChange.encode(changes.reversed()))
        #expect(AuditChange.encode(changes) == AuditChange.encode(changes.shuffled()))
    }

    @Test(
        "round trip through decode",
        arguments: [
            [AuditChange](),
            [AuditChange(field: "a", before: nil, after: nil)],
            [AuditChange(field: "b", before: "", after: "")],
            [AuditChange(field: "name", before: "张*", after: "李*"), AuditChange(field: "age", before: "1", after: "2")],
            [AuditChange(field: "quote", before: "\"x\",\n\ty", after: "\\u0000 / 😀 \u{0}")],
        ])
    func roundTrip(_ changes: [AuditChange]) {
        let text = AuditChange.encode(changes)
        #expect(AuditChange.decode(text) == changes.sorted { $0.field < $1.field })
        #expect(AuditChange.encode(AuditChange.decode(text)) == text)
    }

    /// The plain-text fast path and the escaping path must write the same JSON: every
    /// character that needs an escape, alone and inside Chinese text, and near-misses
    /// (`¢` shares C1's lead byte 0xC2 but is not a control).
    @Test("encode escapes what JSON needs and passes the rest through whole")
    func escapes() {
        let cases: [(String, String)] = [
            ("吕梁市离石区", "吕梁市离石区"), ("a\"b", "a\\\"b"), ("a\\b", "a\\\\b"), ("a\nb", "a\\nb"), ("\r\t", "\\r\\t"),
            ("\u{1}", "\\u0001"), ("x\u{1F}", "x\\u001f"), ("\u{7F}", "\\u007f"), ("甲\u{85}乙", "甲\\u0085乙"), ("\u{9F}", "\\u009f"),
            ("¢5", "¢5"), ("\u{A0}", "\u{A0}"), ("😀", "😀"), ("", ""),
        ]
        for (value, json) in cases {
            let text = AuditChange.encode([AuditChange(field: "f", before: value, after: nil)])
            #expect(text == "[{\"before\":\"" + json + "\",\"field\":\"f\"}]", "\(value.unicodeScalars.map(\.value))")
            #expect(AuditChange.decode(text) == [AuditChange(field: "f", before: value, after: nil)])
        }
    }

    @Test("decode of garbage is empty", arguments: ["", "{", "null", "{}", #"[{"field":1}]"#, #"[{"before":"x"}]"#, "not json"])
    func decodeGarbage(_ text: String) {
        #expect(AuditChange.decode(text) == [])
    }

    @Test("decode accepts explicit nulls")
    func decodeNulls() {
        #expect(
            AuditChange.decode(#"[{"field":"x","before":null,"after":"y"}]"#)
                == [AuditChange(field: "x", before: nil, after: "y")])
    }
}

@Suite("AuditChange hand-written JSON")
struct AuditChangeJSONTests {
    @Test(arguments: ["plain", "引号\"与\\反斜杠", "line\nbreak\r\ttab", "\u{01}\u{1F}control", "emoji 🚩 & <tag>", ""])
    func awkwardValuesRoundTrip(value: String) {
        let changes = [AuditChange(field: "b", before: value, after: nil), AuditChange(field: "a", before: nil, after: value)]
        let text = AuditChange.encode(changes)
        #expect(AuditChange.decode(text) == changes.sorted { $0.field < $1.field })
        #expect(!text.contains("\n"))
    }

    @Test func emptyListIsAnEmptyArray() {
        #expect(AuditChange.encode([]) == "[]")
        #expect(AuditChange.decode("[]") == [])
    }
}
