import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The workflow's forms outside an episode: monitoring lines and settings (administrators,
/// in WorkflowLinePages.swift), a household's assessments, warnings and episodes with the
/// assessment, resolve and open-episode forms, and the assessment sheet's upload. Every write goes through the same
/// service as the API's (audited there); a refusal shows its field problems or every unmet
/// condition with the API's messages.
struct WorkflowFormPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let monitoring = routes.grouped("monitoring")
        monitoring.get("lines", use: config)
        monitoring.post("lines", use: setLine)
        monitoring.post("settings", use: setSettings)
        monitoring.get("assessments", "import", use: importForm)
        monitoring.upload("assessments", "import", maxSize: SheetTransfer.maxFileSize, use: upload)
        let household = monitoring.grouped("households", ":code", "monitoring")
        household.get(use: householdPage)
        household.post("assessments", use: assess)
        household.post("episodes", use: openEpisode)
        monitoring.post("warnings", ":id", "resolve", use: resolveWarning)
    }

    typealias Option = WorkflowPages.Option

    /// The home page's entries for these pages.
    static func entries(for role: Role) -> [MonitoringHomePage.Entry] {
        var entries: [MonitoringHomePage.Entry] = []
        if role.canEditRecords {
            entries.append(.init(href: "/monitoring/assessments/import", title: "导入收入评估", summary: "按户主身份证号导入收入评估表(CSV 或 xlsx),并运行预警规则。"))
        }
        entries.append(.init(href: "/monitoring/lines", title: "监测收入线和参数", summary: "按区划和年度的监测收入线,临界倍数、公示天数等参数。"))
        return entries
    }

    /// One text field of a form: its name, label and the value to show again.
    struct FormField: Encodable, Sendable {
        var name: String
        var label: String
        var value: String
    }

    /// 分 as 元 with two decimals, for reading (exact: 1 分 is 0.01 元).
    static func yuan(_ fen: Int64) -> String { Fen.rounded(fen, unit: Fen.perYuan, places: 2) }

    static func formErrors(_ problems: [FieldProblem]) -> FormErrors {
        var errors = FormErrors()
        errors.fields = problems
        errors.message = "请修改标出的\(problems.count)处问题"
        return errors
    }

    // MARK: a household's monitoring

    struct AssessmentRow: Encodable, Sendable {
        var assessedOn: String
        var netYuan: String
        var perCapitaYuan: String
        var memberCount: Int
        var incomeYuan: String
        var expenseYuan: String
        var housing: String
        var water: String
        var by: String
    }

    struct WarningRow: Encodable, Sendable {
        var id: String
        var ruleName: String
        var assessedOn: String
        var open: Bool
        var statusLabel: String
        var summary: String
        var note: String
    }

    struct EpisodeRow: Encodable, Sendable {
        var id: String
        var stateLabel: String
        var state: String
        var openedOn: String
        var channelLabel: String
        var categoryLabel: String
    }

    struct HouseholdBody: Encodable, Sendable {
        var code: String
        var divisionCode: String
        var assessments: [AssessmentRow]
        var assessmentTotal: Int
        var warnings: [WarningRow]
        var openWarnings: [Option]?
        var episodes: [EpisodeRow]
        var canEdit: Bool
        var canOpen: Bool
        var running: String?
        var channels: [Option]
        var today: String
        var amountFields: [FormField]
        var assessedOn: String
        var assessedBy: String
        var housingSafe: String
        var waterSafe: String
        var channel: String
        var episodeDate: String
        var episodeNote: String
        var errors: [FieldProblem]?
        var errorForm: String
    }

    static let assessmentFields = AssessmentDTO.moneyFields.map { String($0.dropLast(4)) + "_yuan" }

    func renderHousehold(
        _ req: Request, household: Household, assessmentForm: [String: String] = [:], episodeForm: [String: String] = [:],
        errorForm: String = "", errors: FormErrors? = nil
    ) async throws -> Response {
        let caller = try req.caller
        let householdID = try household.requireID()
        let (assessments, total) = try await AssessmentService.list(of: household, paging: PageRequest(page: 1, per: 100), on: req.db)
        let warnings = try await WarningRecord.query(on: req.db).filter(\.$householdID == householdID).all()
            .sorted { ($0.assessedOn, $0.rule) > ($1.assessedOn, $1.rule) }
        let episodes = try await EpisodeRecord.query(on: req.db).filter(\.$householdID == householdID).sort(\.$openedOn, .descending).all()
        let running = episodes.first { !$0.episode.state.isClosed }
        let opener = EpisodeStepKind.open.permits(EpisodeService.actor(caller)) == nil
        let rules = Dictionary(uniqueKeysWithValues: EarlyWarningRule.allCases.map { ($0.rawValue, $0.definition.name) })
        let openWarnings = warnings.filter { $0.status == WarningStatus.open.rawValue }.map {
            Option(value: $0.id!.uuidString, label: "\(rules[$0.rule] ?? $0.rule)(\($0.assessedOn))")
        }
        let body = HouseholdBody(
            code: household.code, divisionCode: household.divisionCode,
            assessments: assessments.map { a in
                AssessmentRow(
                    assessedOn: a.assessedOn, netYuan: Self.yuan(a.netIncomeFen), perCapitaYuan: Self.yuan(a.perCapitaFen),
                    memberCount: a.memberCount, incomeYuan: Self.yuan(a.wagesFen + a.businessFen + a.propertyFen + a.transferFen),
                    expenseYuan: Self.yuan(a.medicalFen + a.educationFen), housing: a.housingSafe ? "安全" : "不安全",
                    water: a.waterSafe ? "安全" : "不安全", by: a.assessedBy)
            }, assessmentTotal: total,
            warnings: warnings.map { w in
                WarningRow(
                    id: w.id!.uuidString, ruleName: rules[w.rule] ?? w.rule, assessedOn: w.assessedOn, open: w.status == WarningStatus.open.rawValue,
                    statusLabel: WarningStatus(rawValue: w.status)?.label ?? w.status, summary: w.decodedFacts.summary, note: w.note ?? "")
            },
            openWarnings: openWarnings.isEmpty ? nil : openWarnings,
            episodes: episodes.map { e in
                let m = e.episode
                return EpisodeRow(
                    id: e.id!.uuidString, stateLabel: m.state.label, state: m.state.rawValue, openedOn: e.openedOn, channelLabel: m.channel.label,
                    categoryLabel: m.category?.label ?? "")
            },
            canEdit: caller.role.canEditRecords && household.isActive, canOpen: opener && running == nil && household.isActive,
            running: running?.id?.uuidString, channels: MonitoringChannel.allCases.map { Option(value: $0.rawValue, label: $0.label) },
            today: RegistryFinder.today().description,
            amountFields: zip(Self.assessmentFields, AssessmentSheet.Column.amounts).map {
                FormField(name: $0.0, label: $0.1.rawValue, value: assessmentForm[$0.0] ?? "")
            }, assessedOn: assessmentForm["assessed_on"] ?? RegistryFinder.today().description, assessedBy: assessmentForm["assessed_by"] ?? "",
            housingSafe: assessmentForm["housing_safe"] ?? "yes", waterSafe: assessmentForm["water_safe"] ?? "yes",
            channel: episodeForm["channel"] ?? "", episodeDate: episodeForm["date"] ?? RegistryFinder.today().description,
            episodeNote: episodeForm["note"] ?? "",
            errors: (errors?.fields.isEmpty ?? true) ? nil : errors!.fields, errorForm: errorForm)
        return try await req.page(
            "monitoring/workflow-household", title: "户码 \(household.code) 的收入评估与监测", active: "/monitoring",
            status: errors?.status ?? .ok, error: errors?.message, body)
    }

    func household(_ req: Request) async throws -> Household {
        try await RegistryFinder.household(code: req.parameters.get("code"), in: try req.caller.scope, on: req.db)
    }

    func householdPage(req: Request) async throws -> Response {
        try await renderHousehold(req, household: try await household(req))
    }

    func assess(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let household = try await household(req)
        let form = try req.content.decode([String: String].self)
        var echo: [String: String] = [:]
        for key in ["assessed_on", "assessed_by", "housing_safe", "water_safe"] + Self.assessmentFields { echo[key] = form[key] ?? "" }
        var problems = ProblemList()
        var date: CivilDate?
        let rawDate = TextPolicy.trimmed(form["assessed_on"] ?? "")
        if rawDate.isEmpty {
            problems.add("assessed_on", "请填写评估日期")
        } else {
            do { date = try CivilDate.validatingISO(rawDate) } catch { problems.add("assessed_on", error.message) }
        }
        var amounts: [Int64] = []
        for field in Self.assessmentFields {
            let raw = TextPolicy.trimmed(form[field] ?? "")
            if raw.isEmpty {
                problems.add(field, "不能为空,没有此项请填0")
                continue
            }
            do { amounts.append(try Fen.fromYuan(raw)) } catch { problems.add(field, AssessmentSheet.amountMessage(error)) }
        }
        func yesNo(_ field: String) -> Bool? {
            switch form[field] {
            case "yes": return true
            case "no": return false
            default:
                problems.add(field, "请选择“是”或“否”")
                return nil
            }
        }
        let housing = yesNo("housing_safe"), water = yesNo("water_safe")
        var by = ""
        do { by = try TextPolicy.singleLine(form["assessed_by"] ?? "") } catch { problems.add("assessed_by", error.message) }
        if by.count > 50 { problems.add("assessed_by", "评估人不能超过50个字") }
        guard problems.isEmpty, let date, let housing, let water, amounts.count == Self.assessmentFields.count else {
            return try await renderHousehold(
                req, household: household, assessmentForm: echo, errorForm: "assessment", errors: Self.formErrors(problems.problems))
        }
        let figures = IncomeFigures(
            wagesFen: amounts[0], businessFen: amounts[1], propertyFen: amounts[2], transferFen: amounts[3], productionCostsFen: amounts[4],
            medicalFen: amounts[5], educationFen: amounts[6])
        let input = AssessmentService.Input(
            assessedOn: date, figures: figures, housingSafe: housing, waterSafe: water, assessedBy: by.isEmpty ? caller.username : by)
        do {
            _ = try await AssessmentService.record(input, household: household, ring: try req.registryKeys, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            var errors = FormErrors(refusal)
            errors.fields = errors.fields.map {
                $0.field.hasSuffix("_fen") ? FieldProblem(field: String($0.field.dropLast(4)) + "_yuan", message: $0.message) : $0
            }
            return try await renderHousehold(req, household: household, assessmentForm: echo, errorForm: "assessment", errors: errors)
        }
        return req.redirect(to: "/monitoring/households/\(household.code)/monitoring?notice=saved")
    }

    struct EpisodeInput: Content {
        var channel: String?
        var date: String?
        var note: String?
        var warning_ids: [String]?
    }

    func openEpisode(req: Request) async throws -> Response {
        let caller = try req.caller
        if let refusal = EpisodeStepKind.open.permits(EpisodeService.actor(caller)) { throw refusal }
        let household = try await household(req)
        let form = try req.content.decode(EpisodeInput.self)
        let echo = ["channel": form.channel ?? "", "date": form.date ?? "", "note": form.note ?? ""]
        var problems = ProblemList()
        let channel = form.channel.flatMap(MonitoringChannel.init(rawValue:))
        if channel == nil { problems.add("channel", "请选择发起渠道") }
        var date: CivilDate?
        let rawDate = TextPolicy.trimmed(form.date ?? "")
        if rawDate.isEmpty {
            problems.add("date", "请填写日期")
        } else {
            do { date = try CivilDate.validatingISO(rawDate) } catch { problems.add("date", error.message) }
        }
        var note = ""
        do { note = try TextPolicy.multiLine(form.note ?? "") } catch { problems.add("note", error.message) }
        let ids = (form.warning_ids ?? []).compactMap(UUID.init(uuidString:))
        if ids.count != (form.warning_ids ?? []).count { problems.add("warning_ids", "所选预警不存在") }
        guard problems.isEmpty, let channel, let date else {
            return try await renderHousehold(
                req, household: household, episodeForm: echo, errorForm: "episode", errors: Self.formErrors(problems.problems))
        }
        let record: EpisodeRecord
        do {
            record = try await EpisodeService.open(
                household: household, channel: channel, on: date, warningIDs: ids, note: note, caller: caller, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            return try await renderHousehold(req, household: household, episodeForm: echo, errorForm: "episode", errors: FormErrors(refusal))
        }
        return req.redirect(to: "/monitoring/episodes/\(record.id!.uuidString)?notice=saved")
    }

    struct ResolveInput: Content {
        var note: String?
    }

    func resolveWarning(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let (record, household) = try await WarningService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(ResolveInput.self)
        do {
            try await WarningService.resolve(
                record, household: household, note: form.note ?? "", actor: req.auditActor, on: req.db, today: RegistryFinder.today())
        } catch let refusal as Refusal {
            return try await renderHousehold(req, household: household, errorForm: "warning", errors: FormErrors(refusal))
        }
        return req.redirect(to: "/monitoring/households/\(household.code)/monitoring?notice=saved")
    }

    // MARK: the assessment sheet

    struct ImportBody: Encodable, Sendable {
        var header: String
    }

    func importForm(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        return try await req.page(
            "monitoring/assessment-import", title: "导入收入评估表", active: "/monitoring",
            ImportBody(header: AssessmentSheet.header.joined(separator: "、")))
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(UploadForm.self)
        guard let (data, filename) = req.uploadedFile(form) else {
            return try await req.importReport(
                AssessmentImport.Report.chooseAFile, title: "导入收入评估表", active: "/monitoring", filename: "", back: "/monitoring/warnings",
                backLabel: "查看预警")
        }
        let report = try await AssessmentImport.run(
            .data(data), options: .init(dryRun: form.dryRun), scope: caller.scope, ring: try req.registryKeys, assessedBy: caller.username,
            actor: req.auditActor, on: req.db)
        return try await req.importReport(
            report, title: "导入收入评估表", active: "/monitoring", filename: filename, back: "/monitoring/warnings", backLabel: "查看预警")
    }
}
