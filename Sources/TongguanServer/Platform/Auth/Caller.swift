import Foundation
import TongguanDomain
import Vapor

/// The signed-in user of a request: who, with which role, over which part of the tree.
struct Caller: Sendable {
    var userID: UUID
    var username: String
    var role: Role
    var scope: DivisionScope

    init(userID: UUID, username: String, role: Role, scope: DivisionScope) {
        self.userID = userID
        self.username = username
        self.role = role
        self.scope = scope
    }

    init(_ user: User) throws {
        guard let id = user.id else { throw Problem.unauthenticated }
        userID = id
        username = user.username
        role = user.role
        scope = user.scope
    }

    /// Refuses the request unless the caller's role allows `permission`.
    func require(_ permission: KeyPath<Role, Bool>) throws {
        guard role[keyPath: permission] else { throw Refusal.forbidden }
    }
}

private struct CallerKey: StorageKey { typealias Value = Caller }

extension Request {
    /// Set by the API's bearer middleware or the web's session middleware.
    var caller: Caller {
        get throws {
            guard let caller = storage[CallerKey.self] else { throw Problem.unauthenticated }
            return caller
        }
    }

    var callerIfSignedIn: Caller? { storage[CallerKey.self] }

    func setCaller(_ caller: Caller) { storage[CallerKey.self] = caller }

    /// The audit trail's name for whoever makes this request.
    var auditActor: AuditActor {
        AuditActor(name: callerIfSignedIn?.username ?? "anonymous", requestID: requestID, clientAddress: clientAddress)
    }
}
