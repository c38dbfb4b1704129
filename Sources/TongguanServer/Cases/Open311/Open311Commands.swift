import ConsoleKit
import Foundation
import TongguanDomain
import Vapor

/// `tongguan open311 key add NAME --division CODE | key list | key revoke NAME`.
struct Open311Commands: AsyncCommandGroup {
    var help: String { "Open311 GeoReport v2 接口" }
    var commands: [String: any AnyAsyncCommand] { ["key": Open311KeyCommands()] }
}

struct Open311KeyCommands: AsyncCommandGroup {
    var help: String { "Open311 api_key:签发、列出、吊销" }
    var commands: [String: any AnyAsyncCommand] { ["add": AddOpen311Key(), "list": ListOpen311Keys(), "revoke": RevokeOpen311Key()] }
}

extension Refusal {
    /// A refusal as the command line reports it.
    var commandFailure: CommandFailure {
        CommandFailure(message: problems.isEmpty ? message : problems.map { "\($0.field):\($0.message)" }.joined(separator: "\n"), exitCode: 2)
    }
}

struct AddOpen311Key: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "name", help: "密钥名称,如 吕梁市民通App")
        var name: String
        @Option(name: "division", help: "该密钥提交的诉求所属区划代码(必填)")
        var division: String?
    }

    var help: String { "签发 api_key:只显示这一次,库中只存其 SHA-256" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        guard let division = signature.division else { throw CommandFailure(message: "请用 --division 指明区划代码", exitCode: 2) }
        do {
            let key = try await Open311Keys.add(name: signature.name, division: division, actor: .cli(), on: context.application.db)
            context.console.print("已签发 api_key「\(TextPolicy.trimmed(signature.name))」(区划 \(division)),只显示这一次,请妥善保存:")
            context.console.print(key)
        } catch let r as Refusal { throw r.commandFailure }
    }
}

struct ListOpen311Keys: PreparedCommand {
    struct Signature: CommandSignature {}

    var help: String { "列出 api_key(不显示密钥本身)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let keys = try await Open311Keys.list(on: context.application.db)
        if keys.isEmpty { context.console.print("尚未签发 api_key") }
        for k in keys {
            let created = k.createdAt.map(W3CDateTime.format) ?? "-"
            let state = k.revokedAt.map { "已吊销 " + W3CDateTime.format($0) } ?? "有效"
            context.console.print("\(k.name)\t\(k.divisionCode)\t签发 \(created)\t\(state)")
        }
    }
}

struct RevokeOpen311Key: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "name", help: "密钥名称")
        var name: String
    }

    var help: String { "吊销 api_key(记入审计)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        do {
            try await Open311Keys.revoke(name: signature.name, actor: .cli(), on: context.application.db)
            context.console.print("已吊销 api_key「\(TextPolicy.trimmed(signature.name))」")
        } catch let r as Refusal {
            if r.kind == .notFound { throw CommandFailure(message: "没有名为「\(signature.name)」的 api_key", exitCode: 2) }
            throw r.commandFailure
        }
    }
}
