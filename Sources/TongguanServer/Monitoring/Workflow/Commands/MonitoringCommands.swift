import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `tongguan monitoring …`: the monitoring line table and the warning scan, for operators on
/// the server's machine (written to the audit trail as the CLI user).
struct MonitoringCommands: AsyncCommandGroup {
    var help: String { "监测:line set 设置监测收入线,scan 按各户最新评估重新运行预警规则" }
    var commands: [String: any AnyAsyncCommand] { ["line": MonitoringLineCommands(), "scan": MonitoringScan()] }

    /// A refusal as the CLI reports it: the message and every problem or condition.
    static func failure(_ refusal: Refusal) -> CommandFailure {
        let details = refusal.problems.map { "\($0.field):\($0.message)" } + refusal.conditions.map(\.message)
        return CommandFailure(message: ([refusal.message] + details).joined(separator: "\n"), exitCode: 2)
    }
}

struct MonitoringLineCommands: AsyncCommandGroup {
    var help: String { "监测收入线:set 设置某区划某年度的监测收入线" }
    var commands: [String: any AnyAsyncCommand] { ["set": SetMonitoringLine()] }
}

/// `tongguan monitoring line set --division 14 --year 2022 --yuan 6500`.
struct SetMonitoringLine: PreparedCommand {
    struct Signature: CommandSignature {
        @Option(name: "division", help: "区划代码或前缀,如 14(山西省)、1411(吕梁市)、141124(临县)")
        var division: String?
        @Option(name: "year", help: "年度,如 2022")
        var year: Int?
        @Option(name: "yuan", help: "监测收入线(人均纯收入,元,最多两位小数)")
        var yuan: String?
    }

    var help: String { "设置(替换)某区划某年度的监测收入线" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        guard let rawDivision = signature.division, let year = signature.year, let rawYuan = signature.yuan else {
            throw CommandFailure(message: "请给出 --division、--year 和 --yuan", exitCode: 2)
        }
        let division: DivisionCode
        do { division = try MonitoringConfig.division(prefix: rawDivision) } catch {
            throw CommandFailure(message: "--division:\(error.message)", exitCode: 2)
        }
        let fen: Int64
        do { fen = try Fen.fromYuan(rawYuan) } catch { throw CommandFailure(message: "--yuan:\(error.message)", exitCode: 2) }
        let line = MonitoringLine(division: division, year: year, lineFen: fen)
        do {
            let changed = try await MonitoringConfig.setLine(line, actor: .cli(), on: context.application.db)
            let text = "\(year)年\(division.significantPrefix)的监测收入线为\(Fen.yuanText(fen))元"
            context.console.print(changed ? "已设置:" + text : "未改变:" + text)
        } catch let refusal as Refusal {
            throw MonitoringCommands.failure(refusal)
        }
    }
}

/// `tongguan monitoring scan [--division D]`: the same scan as `POST /api/v1/monitoring/scan`.
struct MonitoringScan: PreparedCommand {
    struct Signature: CommandSignature {
        @Option(name: "division", help: "只检查该区划(含下级)的农户,默认全部")
        var division: String?
    }

    var help: String { "按各户最新评估和当前成员重新运行预警规则(可重复执行,不会重复预警)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var scope = DivisionScope(try await Division.root(on: app.db).flatMap { DivisionCode($0.id ?? "") } ?? DivisionCode("141100")!)
        if let raw = signature.division {
            do { scope = DivisionScope(try MonitoringConfig.division(prefix: raw)) } catch {
                throw CommandFailure(message: "--division:\(error.message)", exitCode: 2)
            }
        }
        let report = try await WarningService.scan(
            scope: scope, ring: try app.registryKeys, actor: .cli(), on: app.db, today: RegistryFinder.today())
        var text =
            "检查了\(report.households)户:新发预警\(report.outcome.raised)条,自动解除\(report.outcome.resolved)条,被取代\(report.outcome.superseded)条。"
        if report.withoutLine > 0 { text += "\n有\(report.withoutLine)户最新评估的年度没有适用的监测收入线,未检查。" }
        context.console.print(text)
    }
}
