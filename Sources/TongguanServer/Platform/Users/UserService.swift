import Fluent
import Foundation
import TongguanDomain
import Vapor

/// User management rules shared by the API, the pages and the CLI. Every check that needs
/// the database happens here, so the three front doors cannot disagree.
enum UserService {
    static func scopedUsers(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<User> {
        User.query(on: db).filter(\.$divisionCode =~ scope.prefix)
    }

    static func find(_ id: String?, in scope: DivisionScope, on db: any Database) async throws -> User {
        guard let id = id.flatMap(UUID.init(uuidString:)),
            let user = try await User.find(id, on: db), scope.contains(user.divisionCode)
        else { throw Refusal.notFound }
        return user
    }

    /// Field problems for a new user, all at once.
    static func problems(
        username: String?, password: String?, division: DivisionCode?, scope: DivisionScope,
        on db: any Database
    ) async throws -> [FieldProblem] {
        var problems = ProblemList()
        if let username {
            if let problem = Credentials.usernameProblem(username) {
                problems.add("username", problem)
            } else if try await User.query(on: db).filter(\.$username == Credentials.normalizedUsername(username)).first() != nil {
                problems.add("username", "该用户名已被使用")
            }
        }
        if let password, let problem = Credentials.passwordProblem(password) { problems.add("password", problem) }
        if let division, let problem = try await scopeProblem(division, scope: scope, on: db) {
            problems.add("division_code", problem)
        }
        return problems.problems
    }

    /// A user's scope must be a division that exists and lies inside the granter's own scope.
    static func scopeProblem(_ division: DivisionCode, scope: DivisionScope, on db: any Database) async throws -> String? {
        guard scope.contains(division), try await Division.find(division.rawValue, on: db) != nil else {
            return "区划不存在或不在您的管辖范围内"
        }
        return nil
    }

    static func create(_ new: NewUser, actor: AuditActor, on db: any Database, passwords: PasswordHasher) async throws -> User {
        let hash = try await passwords.hash(new.password)
        let user = User(
            username: Credentials.normalizedUsername(new.username), passwordHash: hash,
            role: new.role, divisionCode: new.division.rawValue)
        try await db.audited(by: actor) { tx, audit in
            try await user.create(on: tx)
            var diff = AuditDiff()
            diff.created("username", user.username)
            diff.created("role", user.role.rawValue)
            diff.created("division_code", user.divisionCode)
            diff.created("password", "set", personal: .secret)
            audit.record("user.create", entityType: "user", entityID: user.id!.uuidString, divisionCode: user.divisionCode, changes: diff.changes)
        }
        return user
    }

    static func update(_ user: User, with change: UserChange, by caller: Caller, actor: AuditActor, on db: any Database) async throws {
        var problems = ProblemList()
        if user.id == caller.userID {
            if let role = change.role, role != user.role { problems.add("role", "不能修改自己的角色") }
            if change.disabled == true { problems.add("disabled", "不能停用自己的账号") }
            if let d = change.division, d.rawValue != user.divisionCode { problems.add("division_code", "不能修改自己的管辖范围") }
        }
        if let division = change.division, let problem = try await scopeProblem(division, scope: caller.scope, on: db) {
            problems.add("division_code", problem)
        }
        try problems.throwIfAny()
        var diff = AuditDiff()
        diff.add("role", before: user.role.rawValue, after: change.role?.rawValue ?? user.role.rawValue)
        diff.add("division_code", before: user.divisionCode, after: change.division?.rawValue ?? user.divisionCode)
        diff.add("disabled", before: String(user.disabled), after: String(change.disabled ?? user.disabled))
        guard !diff.isEmpty else { return }
        let before = user.divisionCode
        let changes = diff.changes
        if let role = change.role { user.role = role }
        if let division = change.division { user.divisionCode = division.rawValue }
        let disabling = change.disabled == true && !user.disabled
        if let disabled = change.disabled { user.disabled = disabled }
        // Disabling ends everything the account holds, so enabling it later revives nothing.
        if disabling { user.sessionsValidAfter = Date() }
        try await db.audited(by: actor) { tx, audit in
            try await user.save(on: tx)
            if disabling {
                try await ApiToken.query(on: tx).filter(\.$user.$id == user.id!).filter(\.$revokedAt == nil)
                    .set(\.$revokedAt, to: Date()).update()
            }
            // Filed under the old scope too when it moved, so both sides' auditors see it.
            audit.record("user.update", entityType: "user", entityID: user.id!.uuidString, divisionCode: user.divisionCode, changes: changes)
            if before != user.divisionCode, !DivisionScope(DivisionCode(before)!).contains(user.divisionCode) {
                audit.record("user.moved_out", entityType: "user", entityID: user.id!.uuidString, divisionCode: before, changes: changes)
            }
        }
    }

    /// Sets a new password and revokes the user's API tokens.
    static func resetPassword(_ user: User, to password: String, actor: AuditActor, on db: any Database, passwords: PasswordHasher) async throws {
        if let problem = Credentials.passwordProblem(password) { throw Refusal.invalid("password", problem) }
        let hash = try await passwords.hash(password)
        user.passwordHash = hash
        // Whoever knew the old password may be signed in on the web: end those sessions too.
        user.sessionsValidAfter = Date()
        try await db.audited(by: actor) { tx, audit in
            try await user.save(on: tx)
            try await ApiToken.query(on: tx).filter(\.$user.$id == user.id!).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: Date()).update()
            var diff = AuditDiff()
            diff.add("password", before: "old", after: "new", personal: .secret)
            audit.record(
                "user.password_reset", entityType: "user", entityID: user.id!.uuidString, divisionCode: user.divisionCode, changes: diff.changes)
        }
    }
}
