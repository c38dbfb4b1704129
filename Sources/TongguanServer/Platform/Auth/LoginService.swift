import Fluent
import Foundation
import TongguanDomain
import Vapor

/// One login attempt, the same for the web form and the token API: throttled per account
/// name from one client address and per address across names, answered identically for
/// unknown names and wrong passwords, and audited.
///
/// Why two keys: counting per name alone let anyone lock a person out (five wrong passwords
/// from anywhere); counting per (name, address) alone let one address spray thousands of
/// names. Neither key ever locks the owner of an account who signs in from elsewhere.
enum LoginService {
    static let failureMessage = "用户名或密码错误"

    enum Outcome {
        case success(User)
        case failure
        case locked(retryAfter: Int)
    }

    static func attempt(username raw: String, password: String, request: Request) async throws -> Outcome {
        // Refused before anything is counted or audited: a control character in a name
        // once reached the audit trail and broke its chain.
        if let problem = TextPolicy.firstProblem(in: raw) { throw Refusal.invalid("username", problem.message) }
        if let problem = TextPolicy.firstProblem(in: password) { throw Refusal.invalid("password", "密码" + problem.message) }
        let name = String(Credentials.normalizedUsername(raw).prefix(64))
        let address = request.clientAddress
        let keys = [
            (LoginThrottleRecord.accountKey(name, address: address), LoginThrottle.accountFromAddress, name as String?),
            (LoginThrottleRecord.addressKey(address), LoginThrottle.address, nil),
        ]
        let db = request.db
        let now = Date()
        var retry: Int?
        for (key, throttle, _) in keys {
            if let record = try await LoginThrottleRecord.find(key, on: db), let wait = throttle.retryAfter(record.state, now: now) {
                retry = max(retry ?? 0, wait)
            }
        }
        if let retry {
            try await recordFailure(name: name, user: nil, keys: [], request: request)
            return .locked(retryAfter: retry)
        }
        let user = name.isEmpty ? nil : try await User.query(on: db).filter(\.$username == name).first()
        let usable = user.flatMap { $0.disabled ? nil : $0 }
        let matches = try await request.application.tongguan.passwords.verify(password, against: usable?.passwordHash)
        if matches, let user = usable {
            try await db.audited(by: AuditActor(name: user.username, requestID: request.requestID, clientAddress: address)) { tx, audit in
                // Only this name's count from this address resets: a valid account must not
                // reset the address's count, or it would license spraying between sign-ins.
                try await LoginThrottleRecord.query(on: tx).filter(\.$id == keys[0].0).delete()
                audit.record("login.success", entityType: "user", entityID: user.id?.uuidString ?? name, divisionCode: user.divisionCode)
            }
            return .success(user)
        }
        try await recordFailure(name: name, user: user, keys: keys, request: request)
        return .failure
    }

    /// An admin's way out for a person locked out from their own address.
    static func unlock(username raw: String, actor: AuditActor, on db: any Database) async throws -> Int {
        let name = Credentials.normalizedUsername(raw)
        let root = try await Division.root(on: db)?.id ?? ""
        let user = try await User.query(on: db).filter(\.$username == name).first()
        return try await db.audited(by: actor) { tx, audit in
            let count = try await LoginThrottleRecord.query(on: tx).filter(\.$username == name).count()
            try await LoginThrottleRecord.query(on: tx).filter(\.$username == name).delete()
            audit.record(
                "login.unlock", entityType: "user", entityID: user?.id?.uuidString ?? name,
                divisionCode: user?.divisionCode ?? root,
                changes: [AuditChange(field: "locks", before: String(count), after: "0")])
            return count
        }
    }

    private static func recordFailure(name: String, user: User?, keys: [(String, LoginThrottle, String?)], request: Request) async throws {
        let rootCode = try await Division.root(on: request.db)?.id ?? ""
        let actor = AuditActor(name: name.isEmpty ? "anonymous" : name, requestID: request.requestID, clientAddress: request.clientAddress)
        try await request.db.audited(by: actor) { tx, audit in
            let now = Date()
            for (key, throttle, username) in keys {
                let record = try await LoginThrottleRecord.find(key, on: tx) ?? LoginThrottleRecord(key: key, username: username)
                record.state = throttle.recordingFailure(record.state, now: now)
                try await record.save(on: tx)
            }
            // Unknown names are filed under the root division: only city-wide auditors see them.
            audit.record(
                "login.failure", entityType: "user", entityID: user?.id?.uuidString ?? name,
                divisionCode: user?.divisionCode ?? rootCode,
                changes: [AuditChange(field: "reason", before: nil, after: keys.isEmpty ? "locked" : "bad_credentials")])
        }
    }
}
