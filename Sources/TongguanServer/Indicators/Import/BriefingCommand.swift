import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `tongguan briefing TEMPLATE-NAME --period P [--division D] [--format md|html] [--output FILE]`:
/// renders a briefing with every figure computed now, as the page and the API do (the
/// whole city's scope). HTML is the standalone printable document.
struct BriefingCommand: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "template", help: "简报模板名称")
        var template: String
        @Option(name: "period", help: "期间:2021、2021-H1、2021-Q2、2021-05、2021-05-20 或 2021-01..2021-05(默认为模板的期间)")
        var period: String?
        @Option(name: "division", help: "区划代码(默认为模板的区划)")
        var division: String?
        @Option(name: "format", help: "md(默认)或 html")
        var format: String?
        @Option(name: "output", help: "输出文件(默认标准输出)")
        var output: String?
    }

    var help: String { "生成进展简报:每个数字按此刻的数据计算,附脚注;缺失的数字醒目标出" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let caller = try await SheetTransfer.rootCaller(app)
        guard let format = BriefingsAPI.Format(rawValue: signature.format ?? "md") else {
            throw CommandFailure(message: "--format 应为 md 或 html", exitCode: 2)
        }
        let record: BriefingTemplateRecord
        do { record = try await BriefingService.find(named: signature.template, scope: caller.scope, on: app.db) } catch {
            throw CommandFailure(message: "没有名为「\(signature.template)」的简报模板", exitCode: 2)
        }
        let period: Period
        do { period = try Period(signature.period ?? record.defaultPeriod) } catch {
            throw CommandFailure(message: "--period:" + error.message, exitCode: 2)
        }
        let raw = signature.division ?? record.divisionCode
        guard let code = DivisionCode(raw), let division = try await Division.find(raw, in: caller.scope, on: app.db) else {
            throw CommandFailure(message: "--division:区划「\(raw)」不存在", exitCode: 2)
        }
        let rendered = try await BriefingService.render(record, period: period, division: code, scope: caller.scope, on: app.db)
        let text =
            format == .md
            ? rendered.markdown
            : BriefingPages.document(title: record.name, subtitle: "\(division.name) · \(period.chinese)", rendered: rendered)
        if let output = signature.output {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } catch {
                throw CommandFailure(message: "无法写入「\(output)」", exitCode: 1)
            }
            if !rendered.briefing.gaps.isEmpty {
                context.console.output("简报有\(rendered.briefing.gaps.count)处数据缺失,已在开头列出".consoleText(.warning))
            }
        } else {
            context.console.output(text.consoleText(), newLine: false)
        }
    }
}
