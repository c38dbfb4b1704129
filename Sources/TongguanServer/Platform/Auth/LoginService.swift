import Fluent
import Foundation
import TongguanDomain
import Vapor

/// One login attempt, the same for the web form and the token API: throttled per account
/// name, answered identically for unknown names and wrong passwords, and audited.
enum LoginService {
    static let throttle = LoginThrottle()
    static let failureMessage = "用户名或密码错误"

    enum Outcome {
        case success(User)
        case failure
        case locked(retryAfter: Int)
    }

    static func attempt(username raw: String, password: String, request: Request) async throws -> Outcome {
        let name = String(Credentials.normalizedUsername(raw).prefix(64))
        let db = request.db
        let now = Date()
        if let record = try await LoginThrottleRecord.find(name, on: db),
           let retry = throttle.retryAfter(record.state, now: now) {
            try await recordFailure(name: name, user: nil, locked: true, request: request)
            return .locked(retryAfter: retry)
        }
        let user = name.isEmpty ? nil : try await User.query(on: db).filter(\.$username == name).first()
        let usable = user.flatMap { $0.disabled ? nil : $0 }
        let matches = try await request.application.tongguan.passwords.verify(password, against: usable?.passwordHash)
        if matches, let user = usable {
            try await db.audited(by: AuditActor(name: user.username, requestID: request.id, clientAddress: request.clientAddress)) { tx, audit in
                try await LoginThrottleRecord.query(on: tx).filter(\.$id == name).delete()
                audit.record("login.success", entityType: "user", entityID: user.id?.uuidString ?? name, divisionCode: user.divisionCode)
            }
            return .success(user)
        }
        try await recordFailure(name: name, user: user, locked: false, request: request)
        return .failure
    }

    private static func recordFailure(name: String, user: User?, locked: Bool, request: Request) async throws {
        let rootCode = try await Division.root(on: request.db)?.id ?? ""
        let actor = AuditActor(name: name.isEmpty ? "anonymous" : name, requestID: request.id, clientAddress: request.clientAddress)
        try await request.db.audited(by: actor) { tx, audit in
            if !locked {
                let record = try await LoginThrottleRecord.find(name, on: tx) ?? LoginThrottleRecord(username: name)
                record.state = throttle.recordingFailure(record.state, now: Date())
                try await record.save(on: tx)
            }
            // Unknown names are filed under the root division: only city-wide auditors see them.
            audit.record("login.failure", entityType: "user", entityID: user?.id?.uuidString ?? name,
                         divisionCode: user?.divisionCode ?? rootCode,
                         changes: [AuditChange(field: "reason", before: nil, after: locked ? "locked" : "bad_credentials")])
        }
    }
}
