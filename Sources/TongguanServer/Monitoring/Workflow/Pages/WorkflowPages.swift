import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The workflow's pages: the episode list (what 指标's figures link to), one episode with the
/// steps the signed-in user may take now (refusals show every unmet condition, the same
/// messages as the API's), its measures, and the warning list. The rules are the services'.
struct WorkflowPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let episodes = routes.grouped("monitoring", "episodes")
        episodes.get(use: list)
        episodes.get(":id", use: show)
        episodes.post(":id", "steps", use: step)
        episodes.post(":id", "measures", use: addMeasure)
        routes.get("monitoring", "warnings", use: warnings)
    }

    struct Option: Encodable, Sendable {
        var value: String
        var label: String
    }

    // MARK: list

    struct ListRow: Encodable, Sendable {
        var id: String
        var householdCode: String
        var divisionCode: String
        var state: String
        var stateLabel: String
        var channelLabel: String
        var categoryLabel: String
        var openedOn: String
        var identifiedOn: String
    }

    struct ListBody: Encodable, Sendable {
        var rows: [ListRow]
        var total: Int
        var page: Int
        var previous: String?
        var next: String?
        var states: [Option]
        var state: String
        var asOf: String
        var division: String
        var errors: [FieldProblem]?
    }

    func list(req: Request) async throws -> Response {
        let caller = try req.caller
        var filter = EpisodeFilter()
        var paging = PageRequest(page: 1, per: 50)
        var errors: [FieldProblem] = []
        do { filter = try EpisodeFilter(from: req) } catch let failure as ValidationFailure { errors += failure.problems }
        do { paging = try PageRequest(from: req) } catch let failure as ValidationFailure { errors += failure.problems }
        let (rows, total) = errors.isEmpty ? try await filter.run(scope: caller.scope, paging: paging, on: req.db) : ([], 0)
        let base = "/monitoring/episodes"
        func link(_ page: Int) -> String { base + filter.queryString(adding: [("page", String(page))]) }
        let body = ListBody(
            rows: rows.map {
                ListRow(
                    id: $0.episode.id!.uuidString, householdCode: $0.householdCode, divisionCode: $0.divisionCode, state: $0.state.rawValue,
                    stateLabel: $0.state.label, channelLabel: MonitoringChannel(rawValue: $0.episode.channel)?.label ?? $0.episode.channel,
                    categoryLabel: $0.episode.category.flatMap(MonitoringCategory.init(rawValue:))?.label ?? "",
                    openedOn: $0.episode.openedOn, identifiedOn: $0.episode.identifiedOn ?? "")
            }, total: total, page: paging.page, previous: paging.page > 1 ? link(paging.page - 1) : nil,
            next: paging.offset + rows.count < total ? link(paging.page + 1) : nil,
            states: EpisodeState.allCases.map { Option(value: $0.rawValue, label: $0.label) }, state: filter.state?.rawValue ?? "",
            asOf: filter.asOf?.description ?? "", division: filter.division?.rawValue ?? "", errors: errors.isEmpty ? nil : errors)
        return try await req.page(
            "monitoring/workflow-episodes", title: "监测记录", active: "/monitoring", status: errors.isEmpty ? .ok : .unprocessableEntity,
            error: errors.isEmpty ? nil : "筛选条件有误", body)
    }

    // MARK: one episode

    struct StepRow: Encodable, Sendable {
        var label: String
        var date: String
        var toLabel: String
        var details: String
        var note: String
        var by: String
    }

    struct MeasureRow: Encodable, Sendable {
        var typeLabel: String
        var description: String
        var unit: String
        var start: String
        var end: String
        var amountYuan: String
    }

    struct StepForm: Encodable, Sendable {
        var step: String
        var label: String
        var takesConsent: Bool
        var takesApproval: Bool
        var takesReason: Bool
    }

    struct ShowBody: Encodable, Sendable {
        var id: String
        var householdCode: String
        var state: String
        var stateLabel: String
        var channelLabel: String
        var categoryLabel: String
        var riskTypeLabels: String
        var identifiedOn: String
        var closedOn: String
        var notIncludedReason: String
        var version: Int
        var steps: [StepRow]
        var measures: [MeasureRow]?
        var forms: [StepForm]?
        var canAddMeasure: Bool
        var categories: [Option]
        var riskTypes: [Option]
        var measureTypes: [Option]
        var today: String
        var errors: [FieldProblem]?
    }

    func render(_ req: Request, episode: EpisodeRecord, household: Household, errors: FormErrors? = nil) async throws -> Response {
        let caller = try req.caller
        let e = episode.episode
        let actor = EpisodeService.actor(caller)
        let steps = try await EpisodeService.steps(of: episode, on: req.db).map { s -> StepRow in
            let d = EpisodeService.Details.decode(s.details)
            var details: [String] = []
            if let consent = d.consent { details.append(consent ? "已签署承诺授权书" : "未签署承诺授权书") }
            if let c = d.category.flatMap(MonitoringCategory.init(rawValue:)) { details.append(c.label) }
            if let types = d.riskTypes { details.append(types.compactMap { MonitoringRiskType(rawValue: $0)?.label }.joined(separator: "、")) }
            if let reason = d.reason { details.append("原因:" + reason) }
            if let channel = d.channel.flatMap(MonitoringChannel.init(rawValue:)) { details.append(channel.label) }
            return StepRow(
                label: EpisodeStepKind(rawValue: s.step)?.label ?? s.step, date: s.date,
                toLabel: EpisodeState(rawValue: s.toState)?.label ?? s.toState,
                details: details.joined(separator: ";"), note: s.note, by: s.actor)
        }
        let measures = try await EpisodeService.measures(of: episode, on: req.db).map {
            MeasureRow(
                typeLabel: AssistanceMeasureType(rawValue: $0.type)?.label ?? $0.type, description: $0.description, unit: $0.unit, start: $0.startOn,
                end: $0.endOn ?? "", amountYuan: Fen.yuanText($0.amountFen))
        }
        let forms = e.allowedSteps.filter { $0.permits(actor) == nil }.map {
            StepForm(step: $0.rawValue, label: $0.label, takesConsent: $0 == .visit, takesApproval: $0 == .approve, takesReason: $0 == .reject)
        }
        let body = ShowBody(
            id: episode.id!.uuidString, householdCode: household.code, state: e.state.rawValue, stateLabel: e.state.label,
            channelLabel: e.channel.label,
            categoryLabel: e.category?.label ?? "", riskTypeLabels: e.riskTypes.map(\.label).joined(separator: "、"),
            identifiedOn: e.identifiedOn?.description ?? "", closedOn: e.closedOn?.description ?? "", notIncludedReason: e.notIncludedReason ?? "",
            version: episode.version, steps: steps, measures: measures.isEmpty ? nil : measures, forms: forms.isEmpty ? nil : forms,
            canAddMeasure: e.acceptsMeasures && caller.role.canEditRecords,
            categories: MonitoringCategory.allCases.map { Option(value: $0.rawValue, label: $0.label) },
            riskTypes: MonitoringRiskType.allCases.map { Option(value: $0.rawValue, label: $0.label) },
            measureTypes: AssistanceMeasureType.allCases.map { Option(value: $0.rawValue, label: $0.label) },
            today: RegistryFinder.today().description, errors: (errors?.fields.isEmpty ?? true) ? nil : errors!.fields)
        return try await req.page(
            "monitoring/workflow-episode", title: "监测记录 \(household.code)", active: "/monitoring", status: errors?.status ?? .ok,
            error: errors?.message, body)
    }

    func show(req: Request) async throws -> Response {
        let (episode, household) = try await EpisodeService.find(req.parameters.get("id"), in: try req.caller.scope, on: req.db)
        return try await render(req, episode: episode, household: household)
    }

    struct StepInput: Content {
        var step: String?
        var date: String?
        var note: String?
        var consent: String?
        var category: String?
        var risk_types: [String]?
        var reason: String?
        var version: Int?
    }

    func step(req: Request) async throws -> Response {
        let caller = try req.caller
        let (episode, household) = try await EpisodeService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(StepInput.self)
        var problems = ProblemList()
        let kind = form.step.flatMap(EpisodeStepKind.init(rawValue:))
        if kind == nil || kind == .open { problems.add("step", "请选择要办理的步骤") }
        var date: CivilDate?
        do { date = try CivilDate.validatingISO(TextPolicy.trimmed(form.date ?? "")) } catch {
            problems.add("date", (form.date ?? "").isEmpty ? "请填写日期" : error.message)
        }
        var step: EpisodeStep?
        switch kind {
        case .visit: step = .visit(consent: form.consent == "yes")
        case .notice: step = .notice
        case .townshipCheck: step = .townshipCheck
        case .approve:
            let category = form.category.flatMap(MonitoringCategory.init(rawValue:))
            if category == nil { problems.add("category", "请选择监测对象类别") }
            let types = (form.risk_types ?? []).compactMap(MonitoringRiskType.init(rawValue:))
            if let category { step = .approve(category: category, riskTypes: types) }
        case .reject: step = .reject(reason: form.reason ?? "")
        case .proposeElimination: step = .proposeElimination
        case .eliminationNotice: step = .eliminationNotice
        case .eliminate: step = .eliminate
        case .open, .none: break
        }
        guard problems.isEmpty, let step, let date else {
            var errors = FormErrors()
            errors.fields = problems.problems
            errors.message = "请修改标出的问题"
            return try await render(req, episode: episode, household: household, errors: errors)
        }
        do {
            try await EpisodeService.step(
                episode, household: household, step: step, on: date, note: form.note ?? "", caller: caller, expectedVersion: form.version,
                actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let fresh = try await EpisodeRecord.find(episode.id, on: req.db) ?? episode
            return try await render(req, episode: fresh, household: household, errors: FormErrors(refusal))
        }
        return req.redirect(to: "/monitoring/episodes/\(episode.id!.uuidString)?notice=saved")
    }

    struct MeasureInput: Content {
        var type: String?
        var description: String?
        var unit: String?
        var person: String?
        var start: String?
        var end: String?
        var amount_yuan: String?
    }

    func addMeasure(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let (episode, household) = try await EpisodeService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(MeasureInput.self)
        var problems = ProblemList()
        let type = form.type.flatMap(AssistanceMeasureType.init(rawValue:))
        if type == nil { problems.add("type", "请选择措施类型") }
        func date(_ field: String, _ raw: String?, required: Bool) -> CivilDate? {
            let text = TextPolicy.trimmed(raw ?? "")
            if text.isEmpty {
                if required { problems.add(field, "请填写日期") }
                return nil
            }
            do { return try CivilDate.validatingISO(text) } catch {
                problems.add(field, error.message)
                return nil
            }
        }
        let start = date("start", form.start, required: true)
        let end = date("end", form.end, required: false)
        var amount: Int64 = 0
        let rawAmount = TextPolicy.trimmed(form.amount_yuan ?? "")
        if !rawAmount.isEmpty {
            do { amount = try Fen.fromYuan(rawAmount) } catch { problems.add("amount_yuan", error.message) }
        }
        var measure: AssistanceMeasure?
        if let type, let start {
            do {
                measure = try AssistanceMeasure(
                    type: type, description: form.description ?? "", unit: form.unit ?? "", person: form.person ?? "", startOn: start, endOn: end,
                    amountFen: amount, today: RegistryFinder.today())
            } catch { for p in error.problems { problems.add(p.field, p.message) } }
        }
        guard problems.isEmpty, let measure else {
            var errors = FormErrors()
            errors.fields = problems.problems
            errors.message = "请修改标出的问题"
            return try await render(req, episode: episode, household: household, errors: errors)
        }
        do {
            _ = try await EpisodeService.addMeasure(measure, to: episode, household: household, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            return try await render(req, episode: episode, household: household, errors: FormErrors(refusal))
        }
        return req.redirect(to: "/monitoring/episodes/\(episode.id!.uuidString)?notice=saved")
    }

    // MARK: warnings

    struct WarningRow: Encodable, Sendable {
        var householdCode: String
        var divisionCode: String
        var ruleName: String
        var assessedOn: String
        var statusLabel: String
        var summary: String
        var note: String
    }

    struct WarningsBody: Encodable, Sendable {
        var rows: [WarningRow]
        var total: Int
        var previous: String?
        var next: String?
        var rules: [Option]
        var rule: String
        var status: String
        var division: String
    }

    func warnings(req: Request) async throws -> Response {
        let caller = try req.caller
        var filter = WarningFilter()
        var paging = PageRequest(page: 1, per: 50)
        var errors: [FieldProblem] = []
        do { filter = try WarningFilter(from: req) } catch let failure as ValidationFailure { errors += failure.problems }
        do { paging = try PageRequest(from: req) } catch let failure as ValidationFailure { errors += failure.problems }
        let (rows, total) = errors.isEmpty ? try await filter.run(scope: caller.scope, paging: paging, on: req.db) : ([], 0)
        func link(_ page: Int) -> String { "/monitoring/warnings" + filter.queryString(adding: [("page", String(page))]) }
        let body = WarningsBody(
            rows: rows.map {
                let w = $0.warning
                return WarningRow(
                    householdCode: $0.householdCode, divisionCode: $0.divisionCode,
                    ruleName: EarlyWarningRule(rawValue: w.rule)?.definition.name ?? w.rule, assessedOn: w.assessedOn,
                    statusLabel: WarningStatus(rawValue: w.status)?.label ?? w.status, summary: w.decodedFacts.summary, note: w.note ?? "")
            }, total: total, previous: paging.page > 1 ? link(paging.page - 1) : nil,
            next: paging.offset + rows.count < total ? link(paging.page + 1) : nil,
            rules: EarlyWarningRule.allCases.map { Option(value: $0.rawValue, label: $0.definition.name) }, rule: filter.rule?.rawValue ?? "",
            status: filter.status?.rawValue ?? "", division: filter.division?.rawValue ?? "")
        return try await req.page(
            "monitoring/workflow-warnings", title: "预警", active: "/monitoring", status: errors.isEmpty ? .ok : .unprocessableEntity,
            error: errors.isEmpty ? nil : "筛选条件有误:" + errors.map(\.message).joined(separator: ";"), body)
    }
}
