import ConsoleKit
import Vapor

struct AuditCommands: AsyncCommandGroup {
    var help: String { "审计记录" }
    var commands: [String: any AnyAsyncCommand] { ["verify": VerifyAudit()] }
}

/// Exits 0 with the count when the chain is whole; 3 naming the first broken event otherwise.
struct VerifyAudit: PreparedCommand {
    struct Signature: CommandSignature {}
    var help: String { "重新计算审计哈希链并核对" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        switch try await AuditVerification.verify(on: context.application.db) {
        case .intact(let count):
            context.console.print("审计链完整:共 \(count) 条事件")
        case .broken(let seq, let reason):
            throw CommandFailure(message: "审计链在第 \(seq) 条事件处断开:\(reason)", exitCode: 3)
        }
    }
}
