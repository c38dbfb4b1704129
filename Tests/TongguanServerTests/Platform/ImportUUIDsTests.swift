import Foundation
import Testing

@testable import TongguanServer

/// The member import's ids (`ImportUUIDs`): RFC 9562 version 7, ascending in the order made
/// (as bytes, which PostgreSQL compares, and as the text SQLite stores), and distinct.
@Suite struct ImportUUIDsTests {
    static func bytes(_ id: UUID) -> [UInt8] { withUnsafeBytes(of: id.uuid) { Array($0) } }

    @Test func idsAreVersion7AscendingAndDistinct() {
        let start = Date()
        var ids = ImportUUIDs(now: start)
        let made = (0..<100_000).map { _ in ids.next() }
        #expect(Set(made).count == made.count)
        let millis = UInt64(start.timeIntervalSince1970 * 1000)
        for (a, b) in zip(made, made.dropFirst()) {
            #expect(Self.bytes(a).lexicographicallyPrecedes(Self.bytes(b)))
            #expect(a.text < b.text)
        }
        for id in made {
            let b = Self.bytes(id)
            #expect(b[6] >> 4 == 7, "version 7")
            #expect(b[8] >> 6 == 0b10, "RFC 9562 variant")
            #expect(b[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } == millis)
            #expect(id.uuidString == id.text)
        }
    }

    @Test func twoImportsInTheSameMillisecondMakeDifferentIds() {
        let now = Date()
        var a = ImportUUIDs(now: now)
        var b = ImportUUIDs(now: now)
        let first = Set((0..<10_000).map { _ in a.next() })
        let second = Set((0..<10_000).map { _ in b.next() })
        #expect(first.isDisjoint(with: second))
    }
}
