import Foundation
import SQLKit
import Testing
import TongguanDomain

@testable import TongguanServer

/// The chain's canonical form round-trips whatever text reaches it, on both engines: what
/// the database gives back is what the hash covered.
@Suite struct AuditTextTests {
    /// A few scalars of every Unicode general category (surrogates cannot be in a String).
    static let samples: [String] = {
        var perCategory: [String: [Unicode.Scalar]] = [:]
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let key = "\(scalar.properties.generalCategory)"
            if perCategory[key, default: []].count < 3 { perCategory[key, default: []].append(scalar) }
        }
        return perCategory.keys.sorted().map { key in String(String.UnicodeScalarView(perCategory[key]!)) }
    }()

    @Test func everyCategoryRoundTripsThroughTheTrail() async throws {
        #expect(Self.samples.count >= 29)
        try await TestApp.with { t in
            for (i, sample) in Self.samples.enumerated() {
                let actor = AuditActor(name: "probe" + sample, requestID: "r\(i)" + sample, clientAddress: sample)
                try await t.db.audited(by: actor) { _, audit in
                    audit.record(
                        "probe." + sample, entityType: "probe", entityID: sample, divisionCode: "141100",
                        changes: [AuditChange(field: "text" + sample, before: sample, after: nil)])
                }
            }
            let count = try await t.sql.select().column("seq").from("audit_events").all().count
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: count))
            // Only the control characters were escaped; every other scalar is stored as sent.
            let stored = try await t.sql.select().column("entity_id").from("audit_events").where("entity_type", .equal, "probe")
                .orderBy("seq").all().map { try $0.decode(column: "entity_id", as: String.self) }
            #expect(stored == Self.samples.map(AuditText.storable))
            #expect(stored.filter { $0.contains("\\u{") }.count == 1)
        }
    }
}
