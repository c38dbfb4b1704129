import ConsoleKit
import Foundation
import TongguanDomain
import Vapor

/// `tongguan calendar import FILE`: loads the working calendar (`date,kind,name`).
struct CalendarCommands: AsyncCommandGroup {
    var help: String { "工作日历(法定节假日与调休上班日)" }
    var commands: [String: any AnyAsyncCommand] { ["import": ImportCalendar()] }
}

struct ImportCalendar: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV 文件,列为 date,kind,name(kind 为 holiday 或 workday)")
        var file: String
    }

    var help: String { "导入工作日历:替换文件中出现的年份,其他年份不变;全部成功或全部不导入" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let data = try SheetTransfer.readFile(signature.file)
        let entries: [WorkingCalendar.Entry]
        do { entries = try HolidayCSV.parse(String(decoding: data, as: UTF8.self)) } catch {
            let lines = error.problems.prefix(RowProblemTally.reportLimit).map(\.text).joined(separator: "\n")
            throw CommandFailure(message: "未导入任何数据,共 \(error.problems.count) 处错误:\n\(lines)", exitCode: 2)
        }
        let result = try await CalendarService.replaceYears(with: entries, actor: .cli(), on: context.application.db)
        context.console.print(
            "导入完成:\(result.years.map(String.init).joined(separator: "、"))年共 \(result.entries) 天;重算了 \(result.casesUpdated) 件未结诉求的期限")
    }
}
