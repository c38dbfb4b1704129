import Logging

/// Debug logging of database queries carries the values bound to them (SQLKit's `binds`,
/// FluentKit's `input` and `filters`): residents' names, phone numbers and addresses among
/// them. This handler keeps every message and the statements themselves, and replaces
/// those values by their count, so `LOG_LEVEL=debug` is safe to turn on in production.
struct QueryValueRedaction: LogHandler {
    var inner: any LogHandler

    static let keys: Set<String> = ["binds", "input", "filters"]

    init(_ inner: any LogHandler) { self.inner = inner }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard var metadata = event.metadata, metadata.keys.contains(where: Self.keys.contains) else {
            inner.log(event: event)
            return
        }
        for key in Self.keys {
            guard let value = metadata[key] else { continue }
            metadata[key] = .string(Self.redacted(value))
        }
        var event = event
        event.metadata = metadata
        inner.log(event: event)
    }

    static func redacted(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .array(let items) where items.isEmpty: "[]"
        case .array(let items): "(\(items.count) 个值已隐去)"
        case .dictionary(let items): "(\(items.count) 个值已隐去)"
        default: "(值已隐去)"
        }
    }
}
