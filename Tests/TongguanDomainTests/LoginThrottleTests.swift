import Foundation
import Testing

@testable import TongguanDomain

@Suite("LoginThrottle")
struct LoginThrottleTests {
    let throttle = LoginThrottle()
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    private func failures(_ offsets: [TimeInterval], from state: LoginThrottle.State = .init()) -> LoginThrottle.State {
        offsets.reduce(state) { throttle.recordingFailure($0, now: t0.addingTimeInterval($1)) }
    }

    @Test("defaults: 5 failures, 15-minute window, 15-minute lock")
    func defaults() {
        #expect(throttle.maxFailures == 5)
        #expect(throttle.window == 900)
        #expect(throttle.lockout == 900)
        #expect(LoginThrottle.State() == LoginThrottle.State(failures: [], lockedUntil: nil))
    }

    @Test("a fresh name may try")
    func fresh() {
        #expect(throttle.retryAfter(.init(), now: t0) == nil)
    }

    @Test("one to four failures are recorded, oldest first, without a lock", arguments: 1...4)
    func belowLimit(_ n: Int) {
        let offsets = (0..<n).map { TimeInterval($0 * 10) }
        let state = failures(offsets)
        #expect(state.failures == offsets.map { t0.addingTimeInterval($0) })
        #expect(state.lockedUntil == nil)
        #expect(throttle.retryAfter(state, now: t0.addingTimeInterval(offsets.last! + 1)) == nil)
    }

    @Test("the fifth failure within 15 minutes locks for 15 minutes from the fifth")
    func fifthLocks() {
        let fifthAt = t0.addingTimeInterval(600)
        let state = failures([0, 60, 120, 300, 600])
        #expect(state.lockedUntil == fifthAt.addingTimeInterval(900))
        #expect(state.failures.isEmpty)
        #expect(throttle.retryAfter(state, now: fifthAt) == 900)
        #expect(throttle.retryAfter(state, now: fifthAt.addingTimeInterval(1)) == 899)
        #expect(throttle.retryAfter(state, now: fifthAt.addingTimeInterval(899)) == 1)
    }

    @Test("five failures spread just inside the window lock")
    func justInsideWindow() {
        let state = failures([0, 200, 400, 600, 899])
        #expect(state.lockedUntil == t0.addingTimeInterval(899 + 900))
    }

    @Test("failures older than the window drop out")
    func oldFailuresDropOut() {
        // Four failures at t0...t0+30, the fifth 16 minutes after the first.
        let state = failures([0, 10, 20, 30, 960])
        #expect(state.lockedUntil == nil)
        #expect(state.failures == [t0.addingTimeInterval(960)])
    }

    @Test("only the failures still in the window count")
    func partialDropOut() {
        // At 905 s the failure at 0 is out of the window; those at 100, 200, 300 are in.
        let state = failures([0, 100, 200, 300, 905])
        #expect(state.lockedUntil == nil)
        #expect(state.failures == [100, 200, 300, 905].map { t0.addingTimeInterval($0) })
        // One more within the window makes five recent failures.
        let locked = throttle.recordingFailure(state, now: t0.addingTimeInterval(950))
        #expect(locked.lockedUntil == t0.addingTimeInterval(950 + 900))
    }

    @Test("a failure exactly one window old has dropped out")
    func windowBoundary() {
        let state = failures([0, 1, 2, 3, 900])
        #expect(state.lockedUntil == nil)
        #expect(state.failures.count == 4)
    }

    @Test("a slow trickle of failures never locks")
    func slowTrickle() {
        let offsets = (0..<50).map { TimeInterval($0 * 240) }  // one every 4 minutes
        let state = failures(offsets)
        #expect(state.lockedUntil == nil)
        #expect(state.failures.count == 4)
    }

    @Test(
        "retryAfter rounds up to whole seconds",
        arguments: [
            (0.001, 900), (0.5, 900), (0.999, 900), (1.0, 899), (1.2, 899), (898.0, 2), (898.5, 2), (899.0, 1), (899.999, 1),
        ])
    func rounding(_ elapsed: TimeInterval, _ expected: Int) {
        let state = LoginThrottle.State(failures: [], lockedUntil: t0.addingTimeInterval(900))
        #expect(throttle.retryAfter(state, now: t0.addingTimeInterval(elapsed)) == expected)
    }

    @Test("the lock expires at lockedUntil")
    func expiry() {
        let until = t0.addingTimeInterval(900)
        let state = LoginThrottle.State(failures: [], lockedUntil: until)
        #expect(throttle.retryAfter(state, now: until) == nil)
        #expect(throttle.retryAfter(state, now: until.addingTimeInterval(0.001)) == nil)
        #expect(throttle.retryAfter(state, now: until.addingTimeInterval(3600)) == nil)
        #expect(throttle.retryAfter(state, now: until.addingTimeInterval(-0.001)) == 1)
    }

    @Test("after the lock expires the name starts afresh")
    func afterExpiry() throws {
        let locked = failures([0, 1, 2, 3, 4])
        let until = try #require(locked.lockedUntil)
        #expect(until == t0.addingTimeInterval(904))
        let next = throttle.recordingFailure(locked, now: until.addingTimeInterval(1))
        #expect(next.lockedUntil == nil)
        #expect(next.failures == [until.addingTimeInterval(1)])
        #expect(throttle.retryAfter(next, now: until.addingTimeInterval(1)) == nil)
        // Four more failures lock again.
        let relocked = (2...5).reduce(next) { throttle.recordingFailure($0, now: until.addingTimeInterval(TimeInterval($1))) }
        #expect(relocked.lockedUntil == until.addingTimeInterval(5 + 900))
    }

    // Regression (found by this suite, fixed): (Access/LoginThrottle.swift:29-35): recordingFailure ignores an active lock.
    // A failure recorded while the name is locked returns State(failures: [now], lockedUntil: nil),
    // i.e. it lifts the lock. LoginService only skips recording after its own retryAfter check, so
    // two concurrent attempts (one locking, one already past the check) can clear a fresh lock.
    // Correct behaviour: a failure never shortens or lifts a lock that is still running.
    @Test("a failure recorded during a lock does not lift it")
    func failureDuringLockKeepsLock() throws {
        let locked = failures([0, 1, 2, 3, 4])
        let until = try #require(locked.lockedUntil)
        let after = throttle.recordingFailure(locked, now: t0.addingTimeInterval(10))
        let stillUntil = try #require(after.lockedUntil)
        #expect(stillUntil >= until)
        #expect(throttle.retryAfter(after, now: t0.addingTimeInterval(10)) != nil)
    }

    @Test("custom limits are honoured")
    func customLimits() {
        var strict = LoginThrottle()
        strict.maxFailures = 2
        strict.window = 60
        strict.lockout = 30
        let one = strict.recordingFailure(.init(), now: t0)
        #expect(one.lockedUntil == nil)
        let two = strict.recordingFailure(one, now: t0.addingTimeInterval(59))
        #expect(two.lockedUntil == t0.addingTimeInterval(89))
        #expect(strict.retryAfter(two, now: t0.addingTimeInterval(59)) == 30)
        let late = strict.recordingFailure(one, now: t0.addingTimeInterval(61))
        #expect(late.lockedUntil == nil)
    }
}
