import Vapor

/// Application-wide state of Tongguan, set once in `configure`.
struct TongguanState: Sendable {
    var settings: Settings
    var passwords: PasswordHasher
}

private struct TongguanStateKey: StorageKey { typealias Value = TongguanState }

extension Application {
    var tongguan: TongguanState {
        get {
            guard let state = storage[TongguanStateKey.self] else { fatalError("configure(_:settings:) was not called") }
            return state
        }
        set { storage[TongguanStateKey.self] = newValue }
    }
}
