import Foundation

/// Failed logins per key (an account name from one address, or an address): after
/// `maxFailures` failures within `window`, the key is locked for `lockout`. Names that do not
/// exist are counted the same way, so the answer never tells whether an account exists.
public struct LoginThrottle: Sendable {
    public var maxFailures = 5
    public var window: TimeInterval = 15 * 60
    public var lockout: TimeInterval = 15 * 60

    public init() {}

    public init(maxFailures: Int, window: TimeInterval, lockout: TimeInterval) {
        self.maxFailures = maxFailures
        self.window = window
        self.lockout = lockout
    }

    /// One account name from one client address: a person mistyping their password.
    /// Counted per address, so an attacker elsewhere can never lock the account's owner out.
    public static let accountFromAddress = LoginThrottle()

    /// One client address across all account names: password spraying. Generous enough for
    /// an office behind one NAT address, low enough that a list of names is cut short.
    public static let address = LoginThrottle(maxFailures: 20, window: 15 * 60, lockout: 15 * 60)

    public struct State: Equatable, Sendable {
        /// Times of recent failures, oldest first.
        public var failures: [Date]
        public var lockedUntil: Date?
        public init(failures: [Date] = [], lockedUntil: Date? = nil) {
            self.failures = failures
            self.lockedUntil = lockedUntil
        }
    }

    /// Seconds until the name may try again, or nil when it may try now.
    public func retryAfter(_ state: State, now: Date) -> Int? {
        guard let until = state.lockedUntil, until > now else { return nil }
        return Int((until.timeIntervalSince(now)).rounded(.up))
    }

    public func recordingFailure(_ state: State, now: Date) -> State {
        // A failure while locked (a request that raced past the check) never lifts the lock.
        if retryAfter(state, now: now) != nil { return state }
        var failures = state.failures.filter { now.timeIntervalSince($0) < window }
        failures.append(now)
        if failures.count >= maxFailures {
            return State(failures: [], lockedUntil: now.addingTimeInterval(lockout))
        }
        return State(failures: failures, lockedUntil: nil)
    }
}
