import Foundation
import TongguanDomain
import Vapor

/// Optimistic concurrency: a record's version travels as an ETag; a change must send it back
/// in `If-Match`, and a stale one changes nothing.
enum ETag {
    static func value(id: UUID, version: Int) -> String { "\"\(id.uuidString.lowercased())-\(version)\"" }

    static func set(on response: Response, id: UUID, version: Int) {
        response.headers.replaceOrAdd(name: .eTag, value: value(id: id, version: version))
    }

    static func set<R: Versioned>(on response: Response, for record: R) {
        response.headers.replaceOrAdd(name: .eTag, value: record.etag)
    }
}

extension Request {
    /// 428 without `If-Match`, 412 when it names another version.
    func requireIfMatch(id: UUID, version: Int) throws {
        guard let sent = headers.first(name: .ifMatch) else {
            throw Problem(.preconditionRequired, detail: "修改前请先读取记录,并在 If-Match 中带上其 ETag")
        }
        let current = ETag.value(id: id, version: version)
        let candidates = sent.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.hasPrefix("W/") ? String($0.dropFirst(2)) : $0 }
        guard candidates.contains(current) || candidates.contains("*") else { throw Refusal.staleVersion }
    }

    func requireIfMatch<R: Versioned>(_ record: R) throws {
        try requireIfMatch(id: record.id ?? UUID(), version: record.version)
    }
}
