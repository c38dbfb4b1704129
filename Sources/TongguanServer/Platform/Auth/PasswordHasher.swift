import NIOConcurrencyHelpers
import Vapor

/// bcrypt, run on the thread pool so a login never stalls an event loop.
struct PasswordHasher: Sendable {
    let cost: Int
    let threadPool: NIOThreadPool
    /// Checked against when the account does not exist, so both answers take as long.
    /// Made on first use: CLI commands that never log anyone in do not pay for it.
    private let decoyHash = NIOLockedValueBox<String?>(nil)

    init(cost: Int, threadPool: NIOThreadPool) throws {
        self.cost = cost
        self.threadPool = threadPool
    }

    private func decoy() throws -> String {
        try decoyHash.withLockedValue { cached in
            if let cached { return cached }
            let made = try Bcrypt.hash("decoy-password-never-valid", cost: cost)
            cached = made
            return made
        }
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String?) async throws -> Bool {
        let matches = try await threadPool.runIfActive { try Bcrypt.verify(password, created: hash ?? self.decoy()) }
        return matches && hash != nil
    }
}
