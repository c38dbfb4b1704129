import Foundation
import Testing

@testable import TongguanDomain

@Suite("KeyRing")
struct KeyRingTests {
    let old = FieldCipher(DataKey.generate())
    let new = FieldCipher(DataKey.generate())
    let id = "141124198001011234"

    @Test("without a new key, the ring seals and opens with the current one")
    func steady() throws {
        let ring = try KeyRing(current: old)
        #expect(!ring.isRotating)
        let stored = ring.seal(id)
        #expect(stored.hasPrefix(old.storedPrefix))
        #expect(try ring.open(stored) == id)
        #expect(ring.blindIndex(id) == old.blindIndex(id))
        #expect(ring.blindIndexes(id) == [old.blindIndex(id)])
        #expect(!ring.needsRotation(stored))
        #expect(try ring.rotated(stored) == nil)
    }

    @Test("during a rotation: reads open both, writes seal with the new key")
    func rotating() throws {
        let before = old.seal(id)
        let ring = try KeyRing(current: old, next: new)
        #expect(ring.isRotating)
        #expect(try ring.open(before) == id)
        let written = ring.seal(id)
        #expect(written.hasPrefix(new.storedPrefix))
        #expect(try ring.open(written) == id)
        #expect(throws: FieldCipher.Problem.unknownKey(new.keyID)) { try old.open(written) }
        #expect(ring.blindIndex(id) == new.blindIndex(id))
        #expect(ring.blindIndexes(id) == [new.blindIndex(id), old.blindIndex(id)])
    }

    @Test("rotating a value re-seals it and its blind index under the new key; a done value is skipped")
    func rotate() throws {
        let ring = try KeyRing(current: old, next: new)
        let before = old.seal(id)
        #expect(ring.needsRotation(before))
        let after = try #require(try ring.rotated(before))
        #expect(after.stored.hasPrefix(new.storedPrefix))
        #expect(try new.open(after.stored) == id)
        #expect(after.blindIndex == new.blindIndex(id))
        #expect(!ring.needsRotation(after.stored))
        #expect(try ring.rotated(after.stored) == nil)
        // Once the new key becomes the current one, the rotated values open alone.
        let finished = try KeyRing(current: new)
        #expect(try finished.open(after.stored) == id)
        #expect(throws: FieldCipher.Problem.unknownKey(old.keyID)) { try finished.open(before) }
    }

    @Test("a value under neither key, tampered or malformed, is refused")
    func refused() throws {
        let ring = try KeyRing(current: old, next: new)
        let stranger = FieldCipher(DataKey.generate())
        let foreign = stranger.seal(id)
        #expect(throws: FieldCipher.Problem.unknownKey(stranger.keyID)) { try ring.open(foreign) }
        #expect(throws: FieldCipher.Problem.unknownKey(stranger.keyID)) { try ring.rotated(foreign) }
        #expect(throws: FieldCipher.Problem.malformed) { try ring.open("garbage") }
        var tampered = Array(new.seal(id))
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
        #expect(throws: FieldCipher.Problem.authentication) { try ring.open(String(tampered)) }
    }

    @Test("the new key must differ from the current one")
    func sameKey() throws {
        let key = DataKey.generate()
        #expect(throws: KeyRing.Problem.sameKey) { try KeyRing(current: FieldCipher(key), next: FieldCipher(key)) }
        #expect(KeyRing.Problem.sameKey.message.contains("相同"))
    }
}
