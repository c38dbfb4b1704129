import Fluent
import Foundation
import TongguanDomain
import Vapor

enum Seeding {
    /// Every module's seed data, then user `admin` on an empty database; its password comes
    /// from the environment or is generated and returned so the caller can print it once.
    static func seedIfEmpty(_ app: Application) async throws -> String? {
        let actor = AuditActor.system
        for module in Modules.all { try await module.seed(app) }
        guard try await User.query(on: app.db).count() == 0, let root = try await Division.root(on: app.db) else { return nil }
        let configured = app.tongguan.settings.adminPassword
        let password = configured ?? generatedPassword()
        _ = try await UserService.create(
            NewUser(username: "admin", password: password, role: .admin, division: root.code),
            actor: actor, on: app.db, passwords: app.tongguan.passwords)
        return configured == nil ? password : nil
    }

    static func generatedPassword() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var password = String((0..<14).map { _ in alphabet.randomElement()! })
        password += String(Int.random(in: 10...99))
        return password
    }
}
