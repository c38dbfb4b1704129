import Foundation
import Testing

@testable import TongguanDomain

@Suite("FieldCipher")
struct FieldCipherTests {
    static let keyA = Data((0..<32).map { UInt8($0) }).base64EncodedString()
    static let keyB = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()
    let a = try! FieldCipher(base64Key: keyA)
    let b = try! FieldCipher(base64Key: keyB)
    let id = "11010519491231002X"

    @Test("seal then open gives the clear text back", arguments: ["11010519491231002X", "", "张三", "a.b.c", String(repeating: "长", count: 1000)])
    func roundTrip(_ clear: String) throws {
        let stored = a.seal(clear)
        #expect(try a.open(stored) == clear)
        #expect(clear.isEmpty || !stored.contains(clear))
    }

    @Test("the stored form is v1.<key id>.<base64url of nonce, ciphertext and tag>")
    func storedForm() throws {
        let stored = a.seal(id)
        let parts = stored.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        #expect(parts[0] == "v1")
        #expect(parts[1] == a.keyID)
        #expect(stored.hasPrefix(a.storedPrefix))
        #expect(FieldCipher.keyID(of: stored) == a.keyID)
        let payload = String(parts[2])
        #expect(payload.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(Base64URL.decodeAny(payload)?.count == 12 + id.utf8.count + 16)
        #expect(!stored.contains(id))
    }

    @Test("equal values seal differently: every seal draws a fresh nonce")
    func noncesDiffer() throws {
        let sealed = (0..<200).map { _ in a.seal(id) }
        #expect(Set(sealed).count == sealed.count)
        let nonces = sealed.map { Base64URL.decodeAny(String($0.split(separator: ".")[2]))!.prefix(12) }
        #expect(Set(nonces.map { Array($0) }).count == sealed.count)
        for stored in sealed.prefix(5) { #expect(try a.open(stored) == id) }
    }

    @Test("any changed byte of the payload fails authentication, never returning text")
    func tampering() throws {
        let stored = a.seal(id)
        let prefix = a.storedPrefix
        let payload = Base64URL.decodeAny(String(stored.dropFirst(prefix.count)))!
        for i in payload.indices {
            for bit in [0x01, 0x80] as [UInt8] {
                var changed = payload
                changed[i] ^= bit
                #expect(throws: FieldCipher.Problem.authentication) { try a.open(prefix + Base64URL.encode(changed)) }
            }
        }
        // Cut short or extended.
        #expect(throws: FieldCipher.Problem.authentication) { try a.open(prefix + Base64URL.encode(payload.dropLast())) }
        #expect(throws: FieldCipher.Problem.authentication) { try a.open(prefix + Base64URL.encode(payload + [0])) }
        #expect(throws: FieldCipher.Problem.malformed) { try a.open(prefix + Base64URL.encode(payload.prefix(27))) }
    }

    @Test("the header is authenticated: relabelling a value fails")
    func relabelled() throws {
        let stored = a.seal(id)
        let payload = String(stored.dropFirst(a.storedPrefix.count))
        // Same key, forged version: not the format.
        #expect(throws: FieldCipher.Problem.malformed) { try a.open("v2." + a.keyID + "." + payload) }
        // Another key's label on this key's payload.
        #expect(throws: FieldCipher.Problem.authentication) { try b.open(b.storedPrefix + payload) }
    }

    @Test("a value under another key is refused by key id, without trying to decrypt")
    func wrongKey() {
        let stored = b.seal(id)
        #expect(throws: FieldCipher.Problem.unknownKey(b.keyID)) { try a.open(stored) }
        let message = FieldCipher.Problem.unknownKey(b.keyID).message
        #expect(message.contains(b.keyID))
        #expect(!message.contains(id))
    }

    @Test(
        "malformed stored values",
        arguments: [
            "", "v1", "v1.", "v1..", "v1.abcdefgh", "v1.abc.xyz", "x.y.z", "v1.abcdefgh.!!!!",
            "v1.abcdefgh.a.b", "11010519491231002X",
        ])
    func malformed(_ stored: String) {
        let text = stored.replacingOccurrences(of: "abcdefgh", with: a.keyID)
        #expect(throws: FieldCipher.Problem.malformed) { try a.open(text) }
        #expect(FieldCipher.keyID(of: stored) == nil || stored.hasPrefix("v1.abcdefgh."))
    }

    @Test("no message carries clear text; each names its cause")
    func messages() {
        let problems: [FieldCipher.Problem] = [.malformed, .unknownKey("0a1b2c3d"), .authentication]
        #expect(Set(problems.map(\.message)).count == 3)
        #expect(FieldCipher.Problem.authentication.message.contains("篡改"))
    }

    @Test("the blind index is deterministic, 64 hex characters, and normalises case and blanks")
    func blindIndex() {
        let index = a.blindIndex(id)
        #expect(index.count == 64)
        #expect(index.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(a.blindIndex(id) == index)
        #expect(a.blindIndex(" 11010519491231002x\u{3000}") == index)
        #expect(a.blindIndex("11010519491231002") != index)
        #expect(a.blindIndex("440524188001010014") != index)
        #expect(try! FieldCipher(base64Key: Self.keyA).blindIndex(id) == index)
        #expect(!index.contains(id))
    }

    @Test("the blind index depends on the key, and differs from the encryption (separate subkeys)")
    func blindIndexKeyDependent() {
        #expect(a.blindIndex(id) != b.blindIndex(id))
        let ids = (0..<100).map { Fixture.residentID("141124", "19800101", String(format: "%03d", $0)) }
        #expect(Set(ids.map(a.blindIndex)).count == ids.count)
    }

    @Test("the key id is stable, short, differs between keys, and is not the key")
    func keyID() throws {
        #expect(a.keyID.count == 8)
        #expect(a.keyID.allSatisfy { $0.isHexDigit })
        #expect(a.keyID == (try FieldCipher(base64Key: Self.keyA)).keyID)
        #expect(a.keyID != b.keyID)
        let keyHex = Hex.encode(Data(base64Encoded: Self.keyA)!)
        #expect(!keyHex.contains(a.keyID))
        let ids = Set((0..<50).map { _ in FieldCipher(DataKey.generate()).keyID })
        #expect(ids.count == 50)
    }
}

@Suite("DataKey")
struct DataKeyTests {
    @Test("32 bytes in standard or URL-safe base64, padded or not, blanks trimmed")
    func parses() throws {
        let bytes = (0..<32).map { UInt8(250 - $0 * 7 % 256) }
        let standard = Data(bytes).base64EncodedString()
        let url = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let unpadded = url.replacingOccurrences(of: "=", with: "")
        let reference = FieldCipher(try DataKey(bytes: bytes))
        for text in [standard, url, unpadded, " \(standard)\n"] {
            let key = try DataKey(base64: text)
            #expect(FieldCipher(key).keyID == reference.keyID)
            #expect(key.base64 == standard)
        }
    }

    @Test("wrong lengths say how many bytes were found", arguments: [0, 1, 16, 31, 33, 64])
    func lengths(_ count: Int) {
        let text = Data(repeating: 7, count: count).base64EncodedString()
        let expected: DataKey.Problem = count == 0 ? .missing : .length(count)
        #expect(throws: expected) { try DataKey(base64: text) }
        #expect(throws: DataKey.Problem.length(count)) { try DataKey(bytes: Array(repeating: 7, count: count)) }
    }

    @Test("text that is not base64 is refused", arguments: ["not base64!", "AAAA AAAA", "A", "AAAAA", "AA=A", "密钥", "AAAA====A"])
    func notBase64(_ text: String) {
        #expect(throws: DataKey.Problem.notBase64) { try DataKey(base64: text) }
    }

    @Test("an empty value says the key is missing")
    func missing() {
        #expect(throws: DataKey.Problem.missing) { try DataKey(base64: "") }
        #expect(throws: DataKey.Problem.missing) { try DataKey(base64: "  \n") }
    }

    @Test("messages say what is wrong without the value")
    func messages() {
        #expect(DataKey.Problem.length(16).message.contains("32字节"))
        #expect(DataKey.Problem.length(16).message.contains("16"))
        #expect(Set([DataKey.Problem.missing, .notBase64, .length(1)].map(\.message)).count == 3)
    }

    @Test("generated keys are 32 random bytes")
    func generate() throws {
        let keys = (0..<20).map { _ in DataKey.generate().base64 }
        #expect(Set(keys).count == 20)
        for key in keys { #expect(Data(base64Encoded: key)?.count == 32) }
    }
}

@Suite("Base64URL")
struct Base64URLTests {
    @Test("encodes as Foundation's base64 with the URL alphabet and no padding; decodes both alphabets")
    func matchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let standard = Data(bytes).base64EncodedString()
            let expected = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
            #expect(Base64URL.decodeAny(expected) == bytes)
            #expect(Base64URL.decodeAny(standard) == bytes)
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decodeAny("+/8=") == [0xFB, 0xFF])
    }

    @Test(
        "refuses other characters, impossible lengths and non-zero leftover bits",
        arguments: ["A", "AAAAA", "AA=A", "AB", "AAB", "A B=", "AA.A", "ÄAAA", "AA\nA"])
    func refuses(_ text: String) {
        #expect(Base64URL.decodeAny(text) == nil)
    }
}
