import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The working lists: for supervisors (overdue, due within 3 working days, flagged, escalated
/// to their level), for a leader (the cases they own, with state and age), for a unit (its
/// open cases and subtasks by deadline). The home page's reminders link here.
struct CaseListPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("cases", "supervision", use: supervision)
        routes.get("cases", "mine", use: mine)
    }

    struct Section: Encodable, Sendable {
        var id: String
        var title: String
        var more: String?
        var rows: [CasePages.Row]
        var total: Int
    }

    struct SubtaskLine: Encodable, Sendable {
        var caseID: String
        var number: String
        var description: String
        var person: String
        var deadline: String
        var overdue: Bool
    }

    struct ListsBody: Encodable, Sendable {
        var heading: String
        var intro: String
        var sections: [Section]
        var subtasks: [SubtaskLine]?
    }

    static let sectionSize = 50

    static func section(
        _ id: String, _ title: String, _ filter: CaseFilter, scope: DivisionScope, settings: CaseSettings, today: CivilDate, more: String?,
        on db: any Database
    ) async throws -> Section {
        let query = filter.apply(to: CaseService.scoped(scope, on: db), today: today, calendar: settings.calendar)
        let total = try await query.count(\.$divisionCode)
        let rows = try await filter.sorted(query).limit(sectionSize).all()
        return Section(id: id, title: title, more: more, rows: try await CasePages.rows(rows, today: today, on: db), total: total)
    }

    func supervision(req: Request) async throws -> Response {
        let caller = try req.caller
        let settings = try await CaseSettings.load(on: req.db)
        let today = CaseClock.today()
        var overdue = CaseFilter()
        overdue.overdueOn = today
        var dueSoon = CaseFilter()
        dueSoon.dueWithin = 3
        var flagged = CaseFilter()
        flagged.flagged = true
        flagged.openOnly = true
        var escalated = CaseFilter()
        escalated.escalatedTo = caller.scope.root
        let sections = [
            try await Self.section(
                "overdue", "已逾期", overdue, scope: caller.scope, settings: settings, today: today, more: "/cases?overdue_on=\(today)", on: req.db),
            try await Self.section(
                "due-soon", "3个工作日内到期", dueSoon, scope: caller.scope, settings: settings, today: today, more: "/cases?due_within=3", on: req.db),
            try await Self.section("flagged", "挂牌督办(未办结)", flagged, scope: caller.scope, settings: settings, today: today, more: nil, on: req.db),
            try await Self.section(
                "escalated", "下级承办单位逾期未办(提级督办)", escalated, scope: caller.scope, settings: settings, today: today, more: nil, on: req.db),
        ]
        return try await req.page(
            "cases/lists", title: "督办清单", active: "/cases",
            ListsBody(heading: "督办清单", intro: "截至 \(today),按期限排列。逾期未办的件同时列给承办单位上一级。", sections: sections, subtasks: nil))
    }

    func mine(req: Request) async throws -> Response {
        let caller = try req.caller
        let settings = try await CaseSettings.load(on: req.db)
        let today = CaseClock.today()
        var sections: [Section] = []
        var subtasks: [SubtaskLine] = []
        if let leader = try await LeaderService.leader(of: caller.userID, on: req.db) {
            var owned = CaseFilter()
            owned.owner = .leader(leader.id!)
            sections.append(
                try await Self.section(
                    "owned", "我包案的诉求(\(leader.name))", owned, scope: caller.scope, settings: settings, today: today,
                    more: "/cases?owner_leader=\(leader.id!.uuidString)", on: req.db))
        }
        if let unitID = try await UnitService.unitID(of: caller.userID, on: req.db), let unit = try await CaseUnit.find(unitID, on: req.db) {
            var open = CaseFilter()
            open.unit = unitID
            open.openOnly = true
            var section = try await Self.section(
                "unit", "\(unit.name)的在办诉求", open, scope: caller.scope, settings: settings, today: today, more: "/cases?unit=\(unitID.uuidString)",
                on: req.db)
            section.rows.sort { ($0.dueOn, $0.number) < ($1.dueOn, $1.number) }
            sections.append(section)
            let open_ = try await CaseSubtaskRecord.query(on: req.db).filter(\.$unitID == unitID).filter(\.$state == "open").sort(\.$deadline).limit(
                100
            ).all()
            let numbers = Dictionary(
                uniqueKeysWithValues: try await CaseRecord.query(on: req.db).filter(\.$id ~~ Set(open_.map(\.caseID))).all()
                    .filter { caller.scope.contains($0.divisionCode) }.map { ($0.id!, $0.number) })
            subtasks = open_.compactMap { s in
                numbers[s.caseID].map {
                    SubtaskLine(
                        caseID: s.caseID.uuidString, number: $0, description: s.description, person: s.person, deadline: s.deadline,
                        overdue: today.description > s.deadline)
                }
            }
        }
        return try await req.page(
            "cases/lists", title: "我的待办", active: "/cases",
            ListsBody(
                heading: "我的待办", intro: sections.isEmpty ? "您不属于任何承办单位,也不是包案领导。" : "截至 \(today)。", sections: sections,
                subtasks: subtasks.isEmpty ? nil : subtasks))
    }
}

/// The home page's reminders for 诉求: what is due or overdue for the user, their unit, or
/// the leader they are; for supervisors, what is overdue in their scope.
enum CaseReminders {
    static func reminders(for caller: Caller, on db: any Database) async throws -> [Reminder] {
        let settings = try await CaseSettings.load(on: db)
        let today = CaseClock.today()
        let soon = settings.calendar.addingWorkingDays(3, after: today).date
        var out: [Reminder] = []
        func counts(_ narrow: (QueryBuilder<CaseRecord>) -> QueryBuilder<CaseRecord>) async throws -> (overdue: Int, soon: Int) {
            let base = narrow(CaseService.scoped(caller.scope, on: db))
            let overdue = try await base.copy().filter(\.$pendingDue < today.description).count(\.$divisionCode)
            let due = try await base.copy().filter(\.$pendingDue >= today.description).filter(\.$pendingDue <= soon.description).count(
                \.$divisionCode)
            return (overdue, due)
        }
        if let unitID = try await UnitService.unitID(of: caller.userID, on: db) {
            let (overdue, due) = try await counts { $0.filter(\.$unitID == unitID) }
            if overdue > 0 { out.append(Reminder(text: "本单位有\(overdue)件诉求已逾期", href: "/cases/mine", overdue: true)) }
            if due > 0 { out.append(Reminder(text: "本单位有\(due)件诉求3个工作日内到期", href: "/cases/mine", overdue: false)) }
            let late = try await CaseSubtaskRecord.query(on: db).filter(\.$unitID == unitID).filter(\.$state == "open")
                .filter(\.$deadline < today.description).count()
            if late > 0 { out.append(Reminder(text: "本单位有\(late)项分解任务已过完成期限", href: "/cases/mine", overdue: true)) }
        }
        if let leader = try await LeaderService.leader(of: caller.userID, on: db) {
            let (overdue, due) = try await counts { $0.filter(\.$ownerLeaderID == leader.id!) }
            if overdue > 0 { out.append(Reminder(text: "您包案的\(overdue)件诉求已逾期", href: "/cases/mine", overdue: true)) }
            if due > 0 { out.append(Reminder(text: "您包案的\(due)件诉求3个工作日内到期", href: "/cases/mine", overdue: false)) }
        }
        if caller.role.canSupervise {
            let (overdue, due) = try await counts { $0 }
            if overdue > 0 { out.append(Reminder(text: "管辖范围内有\(overdue)件诉求已逾期", href: "/cases/supervision", overdue: true)) }
            if due > 0 { out.append(Reminder(text: "管辖范围内有\(due)件诉求3个工作日内到期", href: "/cases/supervision", overdue: false)) }
        }
        return out
    }
}
