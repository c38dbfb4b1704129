import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

struct UserCommands: AsyncCommandGroup {
    var help: String { "管理用户" }
    var commands: [String: any AnyAsyncCommand] { ["add": AddUser(), "unlock": UnlockUser()] }
}

/// `tongguan user add NAME --role ROLE --division CODE`; the password comes from
/// TONGGUAN_PASSWORD or standard input, never from an argument (which `ps` would show).
struct AddUser: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "name", help: "用户名")
        var name: String
        @Option(name: "role", help: "admin | operator | supervisor | viewer")
        var role: String?
        @Option(name: "division", help: "区划代码,即用户的管辖范围")
        var division: String?
    }

    var help: String { "新增用户(密码取自 TONGGUAN_PASSWORD 或标准输入)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let password: String
        if let env = ProcessInfo.processInfo.environment["TONGGUAN_PASSWORD"], !env.isEmpty {
            password = env
        } else if isatty(STDIN_FILENO) != 0 {
            context.console.output("密码:", newLine: false)
            password = context.console.input(isSecure: true)
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        var problems: [String] = []
        let role = signature.role.flatMap(Role.init(rawValue:))
        if role == nil { problems.append("--role 应为 " + Role.allCases.map(\.rawValue).joined(separator: "、")) }
        var division: DivisionCode?
        do { division = try DivisionCode(validating: signature.division ?? "") } catch { problems.append("--division:\(error.message)") }
        let root = try await Division.root(on: app.db)
        let scope = DivisionScope(root?.code ?? DivisionCode("141100")!)
        let more = try await UserService.problems(username: signature.name, password: password, division: division, scope: scope, on: app.db)
        problems += more.map { "\($0.field):\($0.message)" }
        guard problems.isEmpty else { throw CommandFailure(message: problems.joined(separator: "\n"), exitCode: 2) }
        let user = try await UserService.create(
            NewUser(username: signature.name, password: password, role: role!, division: division!),
            actor: .cli(), on: app.db, passwords: app.tongguan.passwords)
        context.console.print("已创建用户 \(user.username)(\(user.role.label),\(user.divisionCode))")
    }
}

/// `tongguan user unlock NAME`: lifts every login lock on the name, from any address.
struct UnlockUser: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "name", help: "用户名")
        var name: String
    }

    var help: String { "解除用户因多次登录失败而被锁定的状态" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let count = try await LoginService.unlock(username: signature.name, actor: .cli(), on: context.application.db)
        context.console.print(count == 0 ? "用户 \(signature.name) 没有被锁定的登录记录" : "已解除用户 \(signature.name) 的 \(count) 条登录限制")
    }
}
