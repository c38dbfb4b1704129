import Foundation
import Testing
import Vapor
import VaporTesting

/// An answer is a problem+json of `status` that tells the client nothing about the inside.
func expectProblem(_ res: TestingHTTPResponse, _ status: HTTPResponseStatus, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(res.status == status, sourceLocation: sourceLocation)
    #expect(res.isProblem, "content-type \(res.headers.first(name: .contentType) ?? "none")", sourceLocation: sourceLocation)
    let body = try res.json()
    #expect(body["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
    #expect((body["type"] as? String)?.hasPrefix("https://") == true, sourceLocation: sourceLocation)
    #expect((body["title"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    // Nothing from the inside: no stack, SQL or file path.
    for needle in ["/work/", ".swift", "SELECT", "sqlite", "Fluent", "Error("] {
        #expect(!res.body.string.contains(needle), "leaks \(needle): \(res.body.string)", sourceLocation: sourceLocation)
    }
}
