import Foundation
import Testing

@testable import TongguanDomain

@Suite("LoginThrottle policies: one account from one address, and one address")
struct LoginThrottlePolicyTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let policies: [(String, LoginThrottle, Int)] = [
        ("accountFromAddress", .accountFromAddress, 5), ("address", .address, 20),
    ]

    static func failures(
        _ throttle: LoginThrottle, at offsets: [TimeInterval],
        from state: LoginThrottle.State = .init()
    ) -> LoginThrottle.State {
        offsets.reduce(state) { throttle.recordingFailure($0, now: t0.addingTimeInterval($1)) }
    }

    @Test("the policies' numbers: 5 and 20 failures in 15 minutes lock for 15 minutes", arguments: policies)
    func numbers(_ name: String, _ throttle: LoginThrottle, _ limit: Int) {
        #expect(throttle.maxFailures == limit, "\(name)")
        #expect(throttle.window == 15 * 60)
        #expect(throttle.lockout == 15 * 60)
    }

    @Test("one failure short of the limit does not lock; the limit does, from the last failure", arguments: policies)
    func boundaryCount(_ name: String, _ throttle: LoginThrottle, _ limit: Int) throws {
        let offsets = (0..<limit).map { TimeInterval($0 * 10) }
        let below = Self.failures(throttle, at: Array(offsets.dropLast()))
        #expect(below.lockedUntil == nil, "\(name)")
        #expect(below.failures.count == limit - 1)
        #expect(throttle.retryAfter(below, now: Self.t0.addingTimeInterval(offsets.last!)) == nil)

        let locked = Self.failures(throttle, at: [offsets.last!], from: below)
        let lastAt = Self.t0.addingTimeInterval(offsets.last!)
        #expect(try #require(locked.lockedUntil) == lastAt.addingTimeInterval(15 * 60))
        #expect(locked.failures.isEmpty)
        #expect(throttle.retryAfter(locked, now: lastAt) == 900)
    }

    @Test("the limit reached across the window's edge: just inside locks, exactly a window after the first does not", arguments: policies)
    func windowEdge(_ name: String, _ throttle: LoginThrottle, _ limit: Int) {
        let early = (0..<(limit - 1)).map { TimeInterval($0) }
        let inside = Self.failures(throttle, at: early + [899.999])
        #expect(inside.lockedUntil == Self.t0.addingTimeInterval(899.999 + 900), "\(name)")

        let edge = Self.failures(throttle, at: early + [900])
        #expect(edge.lockedUntil == nil, "\(name)")
        #expect(edge.failures.count == limit - 1)  // the failure at 0 has left the window
    }

    @Test("failures older than the window are forgotten", arguments: policies)
    func windowExpiry(_ name: String, _ throttle: LoginThrottle, _ limit: Int) {
        let old = Self.failures(throttle, at: (0..<(limit - 1)).map { TimeInterval($0) })
        let later = throttle.recordingFailure(old, now: Self.t0.addingTimeInterval(1_000))
        #expect(later.lockedUntil == nil, "\(name)")
        #expect(later.failures == [Self.t0.addingTimeInterval(1_000)])
    }

    @Test("the lock ends exactly lockout seconds after the failure that set it", arguments: policies)
    func lockExpiry(_ name: String, _ throttle: LoginThrottle, _ limit: Int) throws {
        let locked = Self.failures(throttle, at: Array(repeating: 0, count: limit))
        let until = try #require(locked.lockedUntil)
        #expect(until == Self.t0.addingTimeInterval(900), "\(name)")
        #expect(throttle.retryAfter(locked, now: until.addingTimeInterval(-0.5)) == 1)
        #expect(throttle.retryAfter(locked, now: until) == nil)
        // After the lock the count starts again from one.
        let next = throttle.recordingFailure(locked, now: until)
        #expect(next.lockedUntil == nil)
        #expect(next.failures == [until])
    }

    @Test("failures while locked neither extend nor lift the lock", arguments: policies)
    func failuresWhileLocked(_ name: String, _ throttle: LoginThrottle, _ limit: Int) throws {
        let locked = Self.failures(throttle, at: Array(repeating: 0, count: limit))
        let until = try #require(locked.lockedUntil)
        // A burst of failures during the lock, up to its last instant.
        let during = Self.failures(throttle, at: (1...(3 * limit)).map { TimeInterval($0) } + [899.9], from: locked)
        #expect(during == locked, "\(name)")
        #expect(during.lockedUntil == until)
        #expect(throttle.retryAfter(during, now: Self.t0.addingTimeInterval(899.9)) == 1)
    }

    @Test("the address policy outlasts the account policy: 5 failures lock an account name, not the address")
    func accountLocksFirst() {
        let offsets = (0..<5).map { TimeInterval($0) }
        #expect(Self.failures(.accountFromAddress, at: offsets).lockedUntil != nil)
        #expect(Self.failures(.address, at: offsets).lockedUntil == nil)
    }
}
