import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/monitoring/summary` and `/api/v1/monitoring/flow`: the figures a county reports
/// upward, within the caller's scope (a division outside it is 404).
struct MonitoringReportsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let monitoring = routes.grouped("monitoring")
        monitoring.get("summary", use: summary).openAPI(
            .init(
                summary: "监测汇总:截至某日各状态、类别、风险类型或下级区划的农户数和当日在册成员数", tag: "监测",
                query: [
                    .init(name: "division", description: "区划代码(含下级;默认为本人的管辖区划)"),
                    .init(name: "date", description: "截至日期(默认今天)", schema: .date),
                    .init(
                        name: "group_by", description: "分组:状态(默认)、监测对象类别、风险类型(一户多类型时各计一次)、下一级区划",
                        schema: .string(values: MonitoringReports.Grouping.allCases.map(\.rawValue))),
                    .init(
                        name: "phase", description: "只计该阶段的农户(按状态分组时默认全部,其余默认为监测帮扶中)",
                        schema: .string(values: EpisodePhase.allCases.map(\.rawValue))),
                ],
                response: .ref("MonitoringSummary"), errors: [404, 422]))
        monitoring.get("flow", use: flow).openAPI(
            .init(
                summary: "监测流量:逐月识别纳入、风险消除、发出预警和解除预警的数量", tag: "监测",
                query: [
                    .init(name: "from", description: "起始日期(默认为截止日期前第11个月的1日)", schema: .date),
                    .init(name: "to", description: "截止日期(含,默认今天)", schema: .date),
                    .init(name: "division", description: "区划代码(含下级;默认为本人的管辖区划)"),
                ],
                response: .ref("MonitoringFlow"), errors: [404, 422]))
    }

    static let schemas: [String: JSONSchema] = [
        "MonitoringSummary": .object(
            [
                ("division_code", .divisionCode), ("date", .date), ("group_by", .string(values: MonitoringReports.Grouping.allCases.map(\.rawValue))),
                (
                    "rows",
                    .array(
                        .object(
                            [
                                ("group", .string(description: "状态、类别、风险类型的代码或下级区划代码")), ("label", .string()),
                                ("households", .integer(description: "农户数")), ("members", .integer(description: "这些农户当日在册的成员数")),
                                ("link", .string(description: "列出这些农户的监测记录列表")),
                            ], required: ["group", "label", "households", "members", "link"]))
                ),
            ], required: ["division_code", "date", "group_by", "rows"]),
        "MonitoringFlow": .object(
            [
                ("division_code", .divisionCode), ("from", .date), ("to", .date),
                (
                    "rows",
                    .array(
                        .object(
                            [
                                ("month", .string(description: "YYYY-MM")), ("from", .date), ("to", .date),
                                ("identified", .integer(description: "识别纳入监测的户数")), ("eliminated", .integer(description: "风险消除的户数")),
                                ("warnings_raised", .integer(description: "发出的预警数")),
                                ("warnings_resolved", .integer(description: "解除的预警数(人工或后续评估自动解除)")),
                            ], required: ["month", "from", "to", "identified", "eliminated", "warnings_raised", "warnings_resolved"]))
                ),
            ], required: ["division_code", "from", "to", "rows"]),
    ]

    struct SummaryRowDTO: Content {
        var group: String
        var label: String
        var households: Int
        var members: Int
        var link: String
    }

    struct SummaryDTO: Content {
        var divisionCode: String
        var date: String
        var groupBy: String
        var rows: [SummaryRowDTO]
    }

    struct FlowRowDTO: Content {
        var month: String
        var from: String
        var to: String
        var identified: Int
        var eliminated: Int
        var warningsRaised: Int
        var warningsResolved: Int
    }

    struct FlowDTO: Content {
        var divisionCode: String
        var from: String
        var to: String
        var rows: [FlowRowDTO]
    }

    func summary(req: Request) async throws -> SummaryDTO {
        let caller = try req.caller
        let today = RegistryFinder.today()
        let r = try await MonitoringReports.summaryRequest(req, caller: caller, today: today)
        let rows = try await MonitoringReports.summary(r, scope: caller.scope, today: today, on: req.db)
        return SummaryDTO(
            divisionCode: r.division.rawValue, date: r.date.description, groupBy: r.groupBy.rawValue,
            rows: rows.map { SummaryRowDTO(group: $0.group, label: $0.label, households: $0.households, members: $0.members, link: $0.link) })
    }

    func flow(req: Request) async throws -> FlowDTO {
        let caller = try req.caller
        let today = RegistryFinder.today()
        let r = try await MonitoringReports.flowRequest(req, caller: caller, today: today)
        let rows = try await MonitoringReports.flow(r, scope: caller.scope, today: today, on: req.db)
        return FlowDTO(
            divisionCode: r.division.rawValue, from: r.from.description, to: r.to.description,
            rows: rows.map {
                FlowRowDTO(
                    month: $0.month, from: $0.from.description, to: $0.to.description, identified: $0.identified, eliminated: $0.eliminated,
                    warningsRaised: $0.warningsRaised, warningsResolved: $0.warningsResolved)
            })
    }
}
