import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The 诉求 pages: the list with its filters and quick lists, a case with its deadlines,
/// timeline, subtasks and the forms of the steps the user may take now; registration is in
/// CaseRegistrationPages.swift and the forms' handlers in CaseActionPages.swift. Every rule
/// is the services' (shared with the API); refusals reach the page through FormErrors.
struct CasePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases")
        cases.get(use: list)
        cases.get("new", use: newForm)
        cases.post(use: create)
        cases.get(":id", use: show)
        cases.post(":id", "actions", use: act)
        cases.post(":id", "subtasks", use: addSubtask)
        cases.post(":id", "subtasks", ":sid", "done", use: completeSubtask)
        cases.post(":id", "supervision", use: supervise)
        cases.post(":id", "reveal", use: reveal)
        cases.post(":id", "requester", "reveal", use: revealRequester)
    }

    // MARK: list

    struct Row: Encodable, Sendable {
        var id: String
        var number: String
        var title: String
        var source: String
        var kind: String
        var division: String
        var receivedOn: String
        var state: String
        var unit: String
        var dueOn: String
        var overdue: Bool
        var flagged: Bool
        var age: Int
    }

    struct ListBody: Encodable, Sendable {
        var heading: String
        var rows: [Row]
        var total: Int
        var page: Int
        var pages: Int
        var previous: String?
        var next: String?
        var q: String
        var sources: [SelectOption]
        var states: [SelectOption]
        var kinds: [SelectOption]
        var divisions: [SelectOption]
        var units: [SelectOption]
        var quick: [SelectOption]
        var canEdit: Bool
        var canManage: Bool
        /// Filters the form has no field for (from a figure's or a list's link), kept as hidden
        /// fields and described above the table.
        var kept: [SelectOption]
        var criteria: String?
        /// The list's cases as a sheet (same filters).
        var export: String
        var canExport: Bool
        var personalExport: PersonalExport.FormBody?
    }

    /// The filters beyond the form's fields: hidden fields, and what they mean in words.
    static func kept(_ f: CaseFilter) -> ([SelectOption], String?) {
        var kept: [SelectOption] = []
        var words: [String] = []
        func keep(_ name: String, _ value: String?, _ text: String) {
            guard let value else { return }
            kept.append(SelectOption(value: value, label: name, selected: true))
            words.append(text)
        }
        let dateWord = f.backlog == true ? "原始登记日期" : "登记日期"
        keep("from", f.from?.description, "\(dateWord)不早于\(f.from?.description ?? "")")
        keep("to", f.to?.description, "\(dateWord)不晚于\(f.to?.description ?? "")")
        keep("measure", f.measure?.rawValue, "统计口径「\(f.measure?.label ?? "")」")
        keep("backlog", f.backlog.map { String($0) }, f.backlog == true ? "积案" : "非积案")
        keep("handed_down_by", f.handedDownBy, "交办机关「\(f.handedDownBy ?? "")」")
        switch f.owner {
        case .any: keep("owner_leader", "any", "领导包案")
        case .leader(let id): keep("owner_leader", id.uuidString, "指定领导包案")
        case nil: break
        }
        keep("flagged", f.flagged.map { String($0) }, f.flagged == true ? "挂牌督办" : "未挂牌")
        keep("overdue_on", f.overdueOn?.description, "在\(f.overdueOn?.description ?? "")已逾期")
        keep("due_within", f.dueWithin.map(String.init), "\(f.dueWithin ?? 0)个工作日内到期")
        return (kept, words.isEmpty ? nil : words.joined(separator: ","))
    }

    static func rows(_ cases: [CaseRecord], today: CivilDate, on db: any Database) async throws -> [Row] {
        let names = try await Division.names(of: Set(cases.map(\.divisionCode)), on: db)
        let unitIDs = Set(cases.compactMap(\.unitID))
        let units =
            unitIDs.isEmpty
            ? [:] : Dictionary(uniqueKeysWithValues: try await CaseUnit.query(on: db).filter(\.$id ~~ unitIDs).all().map { ($0.id!, $0.name) })
        return cases.map { c in
            Row(
                id: c.id!.uuidString, number: c.number, title: c.title, source: c.caseSource.label, kind: c.caseKind.label,
                division: names[c.divisionCode] ?? c.divisionCode, receivedOn: c.receivedOn, state: c.caseState.label,
                unit: c.unitID.flatMap { units[$0] } ?? "—", dueOn: c.pendingDue ?? "—",
                overdue: c.pendingDue.map { $0 < today.description } ?? false, flagged: c.flagged,
                age: today.dayNumber - c.received.dayNumber)
        }
    }

    static func quickLinks(today: CivilDate) -> [SelectOption] {
        [
            SelectOption(value: "/cases?overdue_on=\(today)", label: "已逾期", selected: false),
            SelectOption(value: "/cases?due_within=3", label: "3个工作日内到期", selected: false),
            SelectOption(value: "/cases?flagged=true", label: "挂牌督办", selected: false),
            SelectOption(value: "/cases?owner_leader=any", label: "领导包案", selected: false),
            SelectOption(value: "/cases?backlog=true", label: "积案", selected: false),
            SelectOption(value: "/cases/supervision", label: "督办清单", selected: false),
            SelectOption(value: "/cases/mine", label: "我的待办", selected: false),
            SelectOption(value: "/cases/dashboard", label: "统计", selected: false),
        ]
    }

    func list(req: Request) async throws -> Response {
        let caller = try req.caller
        let paging = try PageRequest(from: req, defaultPer: 50)
        let filter = try CaseFilter(from: req)
        let settings = try await CaseSettings.load(on: req.db)
        let today = CaseClock.today()
        let query = filter.apply(to: CaseService.scoped(caller.scope, on: req.db), today: today, calendar: settings.calendar)
        let total = try await query.count(\.$divisionCode)
        let cases = try await filter.page(query, offset: paging.offset, per: paging.per, on: req.db)
        let link = { (page: Int) -> String in "/cases" + filter.queryString(adding: [("page", String(page))]) }
        let units = try await UnitService.scoped(caller.scope, on: req.db).sort(\.$name).limit(300).all()
        let body = ListBody(
            heading: "诉求", rows: try await Self.rows(cases, today: today, on: req.db), total: total, page: paging.page,
            pages: max(1, (total + paging.per - 1) / paging.per), previous: paging.page > 1 ? link(paging.page - 1) : nil,
            next: paging.offset + cases.count < total ? link(paging.page + 1) : nil, q: filter.q ?? "",
            sources: CaseSource.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == filter.source) },
            states: CaseState.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == filter.state) },
            kinds: CaseKind.allCases.map { SelectOption(value: $0.label, label: $0.label, selected: $0 == filter.kind) },
            divisions: try await Division.options(in: caller.scope, selected: filter.division?.rawValue, levels: [.city, .county], on: req.db),
            units: units.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id == filter.unit) },
            quick: Self.quickLinks(today: today), canEdit: caller.role.canEditRecords, canManage: caller.role.canManageUsers,
            kept: Self.kept(filter).0, criteria: Self.kept(filter).1, export: "/cases/export" + filter.queryString(),
            canExport: CaseExport.mayExport(caller.role),
            personalExport: CaseExport.personal.form(action: "/cases/export" + filter.queryString(), for: caller))
        return try await req.page("cases/list", title: "诉求", active: "/cases", body)
    }

    // MARK: one case

    struct Fact: Encodable, Sendable {
        var label: String
        var value: String
        var id: String
    }

    struct EventRow: Encodable, Sendable {
        var on: String
        var label: String
        var summary: String
        var actor: String
        var note: String?
        var text: String?
        var kind: String
    }

    struct SubtaskRow: Encodable, Sendable {
        var id: String
        var unit: String
        var person: String
        var description: String
        var deadline: String
        var state: String
        var done: Bool
        var overdue: Bool
        var doneNote: String?
    }

    struct ActionForm: Encodable, Sendable {
        var name: String
        var label: String
        var needsUnit: Bool
        var needsReason: Bool
        var needsDays: Bool
        var needsReply: Bool
        var needsSatisfaction: Bool
    }

    struct DetailBody: Encodable, Sendable {
        var id: String
        var number: String
        var title: String
        var content: String
        var state: String
        var stateCode: String
        var facts: [Fact]
        var dues: [Fact]
        var overdue: Bool
        var provisional: Bool
        var events: [EventRow]
        var subtasks: [SubtaskRow]?
        var actions: [ActionForm]?
        var today: String
        var units: [SelectOption]
        var outcomes: [SelectOption]
        var satisfactions: [SelectOption]
        var canSubtask: Bool
        var canSupervise: Bool
        var canRemind: Bool
        var canReveal: Bool
        var canRevealRequester: Bool
        var revealed: String?
        var errors: [FieldProblem]?
    }

    static func detail(
        req: Request, c: CaseRecord, status: HTTPResponseStatus = .ok, error: String? = nil, errors: [FieldProblem] = [], revealed: String? = nil,
        revealedRequester: CaseService.RevealedRequester? = nil
    )
        async throws -> Response
    {
        let caller = try req.caller
        let settings = try await CaseSettings.load(on: req.db)
        let today = CaseClock.today()
        let policy = settings.policy(c.caseSource)
        let who = try await CaseService.caseActor(for: caller, on: c, db: req.db)
        let available = CaseWorkflow.available(to: c.snapshot, today: today, actor: who, calendar: settings.calendar, policy: policy)
        let status_ = CaseDeadlines.status(c.snapshot, policy: policy, calendar: settings.calendar, on: today)
        let names = try await Division.names(of: [c.divisionCode], on: req.db)
        let subtasks = try await CaseService.subtasks(of: c, on: req.db)
        let unitIDs = Set(subtasks.map(\.unitID) + [c.unitID].compactMap { $0 })
        let unitNames =
            unitIDs.isEmpty
            ? [:] : Dictionary(uniqueKeysWithValues: try await CaseUnit.query(on: req.db).filter(\.$id ~~ unitIDs).all().map { ($0.id!, $0.name) })
        let leader = try await c.ownerLeaderID.asyncMap { try await CaseLeader.find($0, on: req.db) } ?? nil
        let masked = caller.role == .viewer
        var facts = [
            Fact(label: "来源", value: c.caseSource.label, id: "case-source"), Fact(label: "类别", value: c.caseKind.label, id: "case-kind"),
            Fact(label: "区划", value: "\(names[c.divisionCode] ?? "")(\(c.divisionCode))", id: "case-division"),
            Fact(label: "登记日期", value: c.receivedOn, id: "case-received"),
            Fact(label: "诉求人", value: masked ? PersonalData.name.mask(c.requesterName) : c.requesterName, id: "case-requester"),
            Fact(label: "联系电话", value: revealedRequester?.phone ?? PersonalData.phone.mask(c.requesterPhone), id: "case-phone"),
            Fact(label: "身份证号", value: c.requesterIDMasked ?? "未登记", id: "case-resident-id"),
            Fact(label: "承办单位", value: c.unitID.flatMap { unitNames[$0] } ?? "未交办", id: "case-unit"),
            Fact(label: "包案领导", value: leader.map { "\($0.name)(\($0.title))" } ?? "无", id: "case-leader"),
        ]
        if let s = c.stationName { facts.append(Fact(label: "联络站", value: "\(s) · \(c.stationBatch ?? "")", id: "case-station")) }
        if c.backlog { facts.append(Fact(label: "积案", value: "\(c.handedDownBy ?? "")交办,原始登记 \(c.originalReceivedOn ?? "")", id: "case-backlog")) }
        if let o = c.caseOutcome { facts.append(Fact(label: "办理结果", value: o.label, id: "case-outcome")) }
        if let s = c.satisfaction.flatMap(Satisfaction.init(rawValue:)) { facts.append(Fact(label: "满意度", value: s.label, id: "case-satisfaction")) }
        if c.flagged { facts.append(Fact(label: "督办", value: "挂牌督办", id: "case-flagged")) }
        var dues: [Fact] = []
        for step in CaseDeadlines.Step.allCases {
            if let d = status_.due[step] { dues.append(Fact(label: step.label + "期限", value: d.description, id: "due-\(step.rawValue)")) }
        }
        if let r = status_.due.reviewRequestBy { dues.append(Fact(label: "可申请复查复核至", value: r.description, id: "due-review-request")) }
        let events = try await CaseService.events(of: c, on: req.db).compactMap { r -> EventRow? in
            guard let e = r.decoded else { return nil }
            return EventRow(on: r.on, label: e.kind.label, summary: e.summary, actor: r.actor, note: e.note, text: e.text, kind: e.kind.rawValue)
        }
        let routeUnits =
            available.contains(.route)
            ? try await UnitService.routeChoices(for: DivisionCode(c.divisionCode)!, scope: caller.scope, on: req.db) : []
        let subtaskUnits = try await UnitService.routeChoices(for: DivisionCode(c.divisionCode)!, scope: caller.scope, on: req.db)
        let actions = available.map { name in
            ActionForm(
                name: name.rawValue, label: name.label, needsUnit: name == .route, needsReason: [.return, .extend, .reopen].contains(name),
                needsDays: name == .extend, needsReply: name == .reply, needsSatisfaction: name == .followUp)
        }
        let body = DetailBody(
            id: c.id!.uuidString, number: c.number, title: c.title, content: c.content, state: c.caseState.label, stateCode: c.state,
            facts: facts, dues: dues, overdue: status_.overdue, provisional: status_.due.provisional, events: events,
            subtasks: subtasks.isEmpty
                ? nil
                : subtasks.map { s in
                    SubtaskRow(
                        id: s.id!.uuidString, unit: unitNames[s.unitID] ?? "", person: s.person, description: s.description, deadline: s.deadline,
                        state: CaseSubtask.State(rawValue: s.state)?.label ?? s.state, done: s.state == "done",
                        overdue: s.state == "open" && today.description > s.deadline, doneNote: s.doneNote)
                },
            actions: actions.isEmpty ? nil : actions, today: today.description,
            units: (routeUnits.isEmpty ? subtaskUnits : routeUnits).map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: false) },
            outcomes: CaseOutcome.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: false) },
            satisfactions: Satisfaction.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: false) },
            canSubtask: c.caseState.isHandling && (who.isHandler || who.isDispatcher(for: DivisionCode(c.divisionCode)!)),
            canSupervise: c.caseState.isOpen && who.isSupervisor(for: DivisionCode(c.divisionCode)!),
            canRemind: c.caseState.isOpen && (who.isSupervisor(for: DivisionCode(c.divisionCode)!) || who.isOwnerLeader),
            canReveal: caller.role.canSupervise && c.requesterIDSealed != nil,
            canRevealRequester: CaseService.mayRevealRequester(caller: caller, who: who) && revealedRequester == nil,
            revealed: revealed ?? revealedRequester?.residentID,
            errors: errors.isEmpty ? nil : errors)
        return try await req.page("cases/show", title: c.number, active: "/cases", status: status, error: error, body)
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        return try await Self.detail(req: req, c: try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db))
    }
}
