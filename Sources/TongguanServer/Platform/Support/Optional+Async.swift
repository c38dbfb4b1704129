extension Optional {
    /// `map` for an async transform (Swift's own `map` takes no `await`): looks up an
    /// optional reference without unwrapping it first.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
