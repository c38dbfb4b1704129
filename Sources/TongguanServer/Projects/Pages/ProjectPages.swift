import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The 项目 pages: the list with filters, a project's details with its milestone timeline
/// and audit history, the milestone forms and deletion. The create/edit forms are in
/// ProjectFormPages.swift, the round report in RoundReportPage.swift. Every rule lives in
/// ProjectService / ProjectFields / ProjectFilter, shared with the API.
struct ProjectPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let projects = routes.grouped("projects")
        projects.get(use: list)
        projects.post(use: create)
        projects.get("new", use: newForm)
        projects.get(":id", use: show)
        projects.get(":id", "edit", use: edit)
        projects.post(":id", use: update)
        projects.post(":id", "delete", use: delete)
        projects.post(":id", "milestones", use: setMilestone)
        projects.post(":id", "milestones", ":stage", "delete", use: removeMilestone)
    }

    // MARK: list

    struct Row: Encodable, Sendable {
        var id: String
        var name: String
        var investor: String
        var division: String
        var industry: String
        var totalWan: String
        var stage: String
    }

    struct ListBody: Encodable, Sendable {
        var rows: [Row]
        var total: Int
        var page: Int
        var pages: Int
        var previous: String?
        var next: String?
        var q: String
        var divisions: [SelectOption]
        var industries: [SelectOption]
        var stages: [SelectOption]
        var rounds: [SelectOption]
        /// Hidden filters a report link set (they have no control in the filter form).
        var hidden: [SelectOption]
        var narrowing: String?
        var exportCSV: String
        var exportXLSX: String
        var canEdit: Bool
    }

    func list(req: Request) async throws -> Response {
        let caller = try req.caller
        let paging = try PageRequest(from: req, defaultPer: 50)
        let filter = try ProjectFilter(from: req)
        let query = filter.apply(to: ProjectService.scoped(caller.scope, on: req.db))
        let total = try await query.count(\.$divisionCode)  // on an index column, see ProjectsAPI.list
        let projects = try await query.sort(\.$name).range(paging.offset..<(paging.offset + paging.per)).with(\.$milestones).all()
        let names = try await Division.names(of: Set(projects.map(\.divisionCode)), on: req.db)
        let rounds = try await RoundService.visible(caller.scope, on: req.db).sort(\.$date, .descending).limit(200).all()
        let link = { (page: Int) -> String in "/projects" + filter.queryString(adding: [("page", String(page))]) }
        var narrowing: String? = nil
        if let stage = filter.milestoneStage {
            let place =
                filter.roundID.flatMap { id in rounds.first { $0.id == id } }.map { "在「\($0.name)」" }
                ?? [filter.from.map { "\($0)起" }, filter.to.map { "至\($0)" }].compactMap { $0 }.joined()
            narrowing = "仅显示\(place)\(stage.label)的项目"
        } else if filter.from != nil || filter.to != nil {
            narrowing = "仅显示\([filter.from.map { "\($0)起" }, filter.to.map { "至\($0)" }].compactMap { $0 }.joined())有阶段变化的项目"
        }
        let body = ListBody(
            rows: projects.map { p in
                Row(
                    id: p.id?.uuidString ?? "", name: p.name, investor: p.investorName,
                    division: names[p.divisionCode] ?? p.divisionCode, industry: p.industry,
                    totalWan: Fen.rounded(p.totalInvestmentFen, unit: Fen.perWan, places: 2),
                    stage: ProjectService.plan(p.milestones).furthest?.label ?? "未签约")
            },
            total: total, page: paging.page, pages: max(1, (total + paging.per - 1) / paging.per),
            previous: paging.page > 1 ? link(paging.page - 1) : nil,
            next: paging.offset + projects.count < total ? link(paging.page + 1) : nil,
            q: filter.q ?? "",
            divisions: try await Division.options(in: caller.scope, selected: filter.division, levels: [.city, .county], on: req.db),
            industries: try await Industry.names(on: req.db).map { SelectOption(value: $0, label: $0, selected: $0 == filter.industry) },
            stages: Self.stageChoices(selected: filter.stage),
            rounds: rounds.map { SelectOption(value: $0.id?.uuidString ?? "", label: "\($0.name)(\($0.date))", selected: $0.id == filter.roundID) },
            hidden: [("milestone_stage", filter.milestoneStage?.rawValue), ("from", filter.from?.description), ("to", filter.to?.description)]
                .compactMap { k, v in v.map { SelectOption(value: $0, label: k, selected: true) } },
            narrowing: narrowing,
            exportCSV: "/projects/export" + filter.queryString(adding: [("format", "csv")]),
            exportXLSX: "/projects/export" + filter.queryString(adding: [("format", "xlsx")]),
            canEdit: caller.role.canEditRecords)
        return try await req.page("projects/list", title: "项目", active: "/projects", body)
    }

    // MARK: details

    struct Step: Encodable, Sendable {
        var stage: String
        var label: String
        var reached: Bool
        var date: String?
        var round: String?
        var roundHref: String?
    }

    struct AuditRow: Encodable, Sendable {
        var time: String
        var actor: String
        var action: String
        var changes: String
    }

    struct DetailBody: Encodable, Sendable {
        var id: String
        var name: String
        var investor: String
        var creditCode: String
        var division: String
        var zone: String
        var industry: String
        var total: String
        var output: String
        var contactPerson: String
        var contactPhone: String
        var notes: String
        var stage: String
        var steps: [Step]
        var canEdit: Bool
        var canAudit: Bool
        var audit: [AuditRow]
        var auditTotal: Int
        var milestoneStages: [SelectOption]
        var milestoneRounds: [SelectOption]
        var milestoneDate: String
        /// nil when there are none (Leaf treats an empty array as true).
        var milestoneErrors: [FieldProblem]?
    }

    struct MilestoneForm: Content {
        var stage: String?
        var date: String?
        var round_id: String?
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        return try await detailPage(req: req, project: project)
    }

    func detailPage(
        req: Request, project: Project, status: HTTPResponseStatus = .ok, error: String? = nil,
        form: MilestoneForm = .init(), errors: [FieldProblem] = []
    ) async throws -> Response {
        let caller = try req.caller
        let milestones = try await ProjectService.milestones(of: project, on: req.db)
        let roundIDs = milestones.compactMap { $0.$round.id }
        let roundNames = Dictionary(
            uniqueKeysWithValues: try await Round.query(on: req.db).filter(\.$id ~~ roundIDs).all()
                .map { ($0.id!, $0.name) })
        let steps = Stage.allCases.map { stage -> Step in
            let m = milestones.first { $0.stage == stage }
            let roundID = m?.$round.id
            return Step(
                stage: stage.rawValue, label: stage.label, reached: m != nil, date: m?.date,
                round: roundID.flatMap { roundNames[$0] }, roundHref: roundID.map { "/projects/rounds/\($0.uuidString)" })
        }
        var audit: [AuditRow] = []
        var auditTotal = 0
        if caller.role.canReadAudit {
            let filter = AuditFilter(entityType: "project", entityID: project.id!.uuidString)
            let (rows, total) = try await filter.run(scope: caller.scope, paging: PageRequest(page: 1, per: 50), on: req.db)
            auditTotal = total
            audit = rows.map { r in
                AuditRow(
                    time: ChinaDate.display(r.occurredAt), actor: r.actor, action: AuditLabels.action(r.action),
                    changes: AuditChange.decode(r.changes).map { "\($0.field): \($0.before ?? "—") → \($0.after ?? "—")" }.joined(separator: ";"))
            }
        }
        let rounds = try await RoundService.visible(caller.scope, on: req.db).sort(\.$date, .descending).limit(200).all()
        let names = try await Division.names(of: [project.divisionCode], on: req.db)
        let next = Stage.allCases.first { s in !milestones.contains { $0.stage == s } }
        let body = DetailBody(
            id: project.id!.uuidString, name: project.name, investor: project.investorName, creditCode: project.creditCode,
            division: "\(names[project.divisionCode] ?? "")(\(project.divisionCode))", zone: project.developmentZone,
            industry: project.industry, total: Fen.display(project.totalInvestmentFen),
            output: Fen.display(project.expectedAnnualOutputFen), contactPerson: project.contactPerson,
            contactPhone: project.contactPhone, notes: project.notes,
            stage: ProjectService.plan(milestones).furthest?.label ?? "未签约", steps: steps,
            canEdit: caller.role.canEditRecords, canAudit: caller.role.canReadAudit, audit: audit, auditTotal: auditTotal,
            milestoneStages: Stage.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == (form.stage ?? next?.rawValue))
            },
            milestoneRounds: rounds.map {
                SelectOption(value: $0.id!.uuidString, label: "\($0.name)(\($0.date))", selected: $0.id?.uuidString == form.round_id)
            },
            milestoneDate: form.date ?? "", milestoneErrors: errors.isEmpty ? nil : errors)
        return try await req.page("projects/show", title: project.name, active: "/projects", status: status, error: error, body)
    }

    // MARK: milestones and deletion

    func setMilestone(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(MilestoneForm.self)
        var problems = ProblemList()
        let stage = form.stage.flatMap(Stage.init(rawValue:))
        if stage == nil { problems.add("stage", "请选择阶段") }
        var date: CivilDate?
        do { date = try CivilDate.validatingISO(TextPolicy.trimmed(form.date ?? "")) } catch {
            problems.add("date", (form.date ?? "").isEmpty ? "请填写日期" : error.message)
        }
        var roundID: UUID? = nil
        if let raw = form.round_id, !raw.isEmpty {
            roundID = UUID(uuidString: raw)
            if try await RoundService.find(roundID, visibleTo: caller.scope, on: req.db) == nil { problems.add("round_id", "活动批次不存在") }
        }
        if problems.isEmpty {
            do {
                try await ProjectService.setMilestone(
                    project, .init(stage: stage!, date: date!, roundID: roundID),
                    actor: req.auditActor, on: req.db)
                return req.redirect(to: "/projects/\(project.id!.uuidString)?notice=saved")
            } catch let refusal as Refusal {
                let errors = FormErrors(refusal)
                guard refusal.kind == .invalid else {
                    let fresh = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
                    return try await detailPage(req: req, project: fresh, status: errors.status, error: errors.message, form: form)
                }
                for p in errors.fields { problems.add(p.field, p.message) }
            }
        }
        return try await detailPage(
            req: req, project: project, status: .unprocessableEntity,
            error: problems.problems.map(\.message).joined(separator: ";"), form: form, errors: problems.problems)
    }

    func removeMilestone(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        guard let stage = req.parameters.get("stage").flatMap(Stage.init(rawValue:)) else { throw Refusal.notFound }
        do {
            try await ProjectService.removeMilestone(project, stage: stage, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal where refusal.kind != .notFound {
            let fresh = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
            return try await detailPage(req: req, project: fresh, status: FormErrors(refusal).status, error: refusal.message)
        }
        return req.redirect(to: "/projects/\(project.id!.uuidString)?notice=saved")
    }

    func delete(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        try await ProjectService.delete(project, actor: req.auditActor, on: req.db)
        return req.redirect(to: "/projects?notice=deleted")
    }

    // MARK: shared look-ups

    static func stageChoices(selected: Stage?) -> [SelectOption] {
        Stage.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == selected) }
    }
}

extension ProjectFilter {
    /// The filters as `?k=v&…`, with `format` (if given) first and other `extra` pairs last.
    func queryString(adding extra: [(String, String)] = []) -> String {
        let items: [(String, String?)] = [
            ("division", division), ("industry", industry), ("stage", stage?.rawValue), ("round_id", roundID?.uuidString),
            ("milestone_stage", milestoneStage?.rawValue), ("from", from?.description), ("to", to?.description), ("q", q),
        ]
        let pairs = extra.filter { $0.0 == "format" } + items.compactMap { k, v in v.map { (k, $0) } } + extra.filter { $0.0 != "format" }
        return QueryString.encode(pairs)
    }

}

extension AuditFilter {
    /// One entity's history, as a page shows it.
    init(entityType: String, entityID: String) {
        self.entityType = entityType
        self.entityID = entityID
    }
}
