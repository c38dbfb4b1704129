import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `tongguan keys …`: the data key that protects personal data (every module's sealed columns).
struct KeyCommands: AsyncCommandGroup {
    var help: String { "数据密钥(加密身份证号等个人信息):rotate 更换密钥,generate 生成新密钥" }
    var commands: [String: any AnyAsyncCommand] { ["rotate": RotateKeys(), "generate": GenerateKey()] }
}

/// `tongguan keys generate`: prints a new random key (base64) for TONGGUAN_DATA_KEY(_NEW).
struct GenerateKey: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "生成一个新的数据密钥(32字节,base64),用于 TONGGUAN_DATA_KEY 或 TONGGUAN_DATA_KEY_NEW" }

    func run(using context: CommandContext, signature: Signature) async throws {
        context.console.print(DataKey.generate().base64)
    }
}

/// `tongguan keys rotate [--batch N]` with TONGGUAN_DATA_KEY_NEW set.
struct RotateKeys: PreparedCommand {
    struct Signature: CommandSignature {
        @Option(name: "batch", help: "每批处理的成员数(默认500)")
        var batch: Int?
    }

    var help: String {
        "用 TONGGUAN_DATA_KEY_NEW 重新加密全部身份证号等个人信息(分批进行,可中断后重跑)。期间请让服务也带着 TONGGUAN_DATA_KEY_NEW 运行"
    }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let ring = try await DataProtection.prepare(app, columns: [])
        let columns = app.sealedColumns
        guard ring.isRotating else {
            throw CommandFailure(message: "请设置 TONGGUAN_DATA_KEY_NEW(新密钥,可用 tongguan keys generate 生成)后再运行", exitCode: 2)
        }
        var blocking: [String] = []
        for seals in app.unrotatableSeals {
            let count = try await seals.count(app.db)
            if count > 0 { blocking.append("\(seals.label) \(count) 条") }
        }
        guard blocking.isEmpty else {
            throw CommandFailure(
                message: "以下加密数据尚不能随密钥更换重新加密:" + blocking.joined(separator: "、")
                    + "。更换密钥后旧密钥一旦销毁,这些数据将无法解密,因此暂不能更换密钥;未作任何改动。", exitCode: 2)
        }
        let batch = signature.batch ?? KeyRotation.defaultBatch
        guard (1...10_000).contains(batch) else { throw CommandFailure(message: "--batch 应为1到10000之间的整数", exitCode: 2) }
        let progress = Progress.forConsole()
        let outcome = try await KeyRotation.run(
            ring: ring, columns: columns, rotations: app.sealedValueRotations, batch: batch, actor: .cli(), on: app.db, progress: progress)
        let left = try await KeyRotation.remaining(ring: ring, columns: columns, rotations: app.sealedValueRotations, on: app.db)
        guard left == 0 else {
            throw CommandFailure(message: "仍有 \(left) 条加密数据未更换密钥(可能有人同时用旧密钥写入):请再运行一次")
        }
        var lines = ["已用新密钥(标识 \(ring.sealing.keyID))重新加密 \(outcome.rotated) 条数据,共检查 \(outcome.scanned) 条。"]
        if case .file(let path) = app.tongguan.settings.dataKey, let next = app.tongguan.settings.newDataKey {
            let absolute = DataProtection.absolute(path)
            try DataProtection.writeKeyFile(try DataKey(base64: next.value), to: absolute, replacing: true)
            lines.append("已把新密钥写入密钥文件 \(absolute);请重新备份该文件(与数据库分开),去掉 TONGGUAN_DATA_KEY_NEW 后重启服务。")
        } else {
            lines.append("请把 TONGGUAN_DATA_KEY 改为新密钥、去掉 TONGGUAN_DATA_KEY_NEW 后重启服务;旧密钥在确认无误后销毁。")
        }
        progress.finish(lines[0])
        context.console.print(lines.joined(separator: "\n"))
    }
}
