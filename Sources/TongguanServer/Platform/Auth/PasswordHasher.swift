import Vapor

/// bcrypt, run on the thread pool so a login never stalls an event loop.
struct PasswordHasher: Sendable {
    let cost: Int
    let threadPool: NIOThreadPool
    /// Checked against when the account does not exist, so both answers take as long.
    let decoy: String

    init(cost: Int, threadPool: NIOThreadPool) throws {
        self.cost = cost
        self.threadPool = threadPool
        self.decoy = try Bcrypt.hash("decoy-password-never-valid", cost: cost)
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String?) async throws -> Bool {
        let target = hash ?? decoy
        let matches = try await threadPool.runIfActive { try Bcrypt.verify(password, created: target) }
        return matches && hash != nil
    }
}
