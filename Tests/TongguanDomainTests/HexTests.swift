import Foundation
import Testing

@testable import TongguanDomain

@Suite("Hex: lower-case bytes and a UUID's text")
struct HexTests {
    @Test func encodeIsLowerCaseTwoDigitsPerByte() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
    }

    /// The same text as Foundation's `uuidString`, which the stored ids were written with:
    /// the edge bytes and 10,000 random ids.
    @Test func uuidMatchesFoundationsText() {
        var ids = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))]
        ids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        ids.append(UUID(uuid: (0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE)))
        for _ in 0..<10_000 { ids.append(UUID()) }
        for id in ids {
            let text = withUnsafeBytes(of: id.uuid) { Hex.uuid($0) }
            #expect(text == id.uuidString)
        }
        #expect(
            withUnsafeBytes(of: ids[2].uuid) { Hex.uuid($0) } == "01234567-89AB-CDEF-1032-547698BADCFE")
    }
}
