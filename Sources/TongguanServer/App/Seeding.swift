import Fluent
import Foundation
import TongguanDomain
import Vapor

enum Seeding {
    /// The city's divisions and user `admin`; the password comes from the environment or is
    /// generated and returned so the caller can print it once.
    static func seedIfEmpty(_ app: Application) async throws -> String? {
        let actor = AuditActor(name: "system", requestID: "seed", clientAddress: "local")
        _ = try await Division.seedIfEmpty(on: app.db, actor: actor)
        guard try await User.query(on: app.db).count() == 0, let root = try await Division.root(on: app.db) else { return nil }
        let configured = app.tongguan.settings.adminPassword
        let password = configured ?? generatedPassword()
        _ = try await UserService.create(NewUser(username: "admin", password: password, role: .admin, division: root.code),
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
