import Foundation
import Logging
import NIOConcurrencyHelpers
import Vapor

@testable import TongguanServer

/// Counts the SQL statements a piece of code sends, from the drivers' debug log lines, on a
/// request of its own (no global logging setup, so parallel tests do not interfere).
final class QueryCounter: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    var statements: [String] {
        lines.withLockedValue { $0 }.filter { line in
            let upper = line.uppercased()
            return upper.contains("SELECT") || upper.contains("INSERT") || upper.contains("UPDATE") || upper.contains("DELETE")
        }
    }

    func request(on app: Application) -> Request {
        let req = Request(application: app, on: app.eventLoopGroup.next())
        let box = lines
        var logger = Logger(label: "query-counter") { _ in Handler(box: box) }
        logger.logLevel = .debug
        req.logger = logger
        return req
    }

    struct Handler: LogHandler {
        let box: NIOLockedValueBox<[String]>
        var logLevel: Logger.Level = .debug
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let text = event.message.description + " " + (event.metadata ?? [:]).map { "\($0.value)" }.joined(separator: " ")
            box.withLockedValue { $0.append(text) }
        }
    }
}
