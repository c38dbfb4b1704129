import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/episodes` and `/api/v1/households/{code}/episodes`: the identify → assist →
/// eliminate workflow. Steps are refused with every unmet condition by code.
struct EpisodesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("households", ":code", "episodes", use: open).openAPI(
            .init(
                summary: "发起监测(一户同时只能有一条进行中的监测)", tag: "监测", body: .ref("NewEpisode"), response: .ref("Episode"), status: 201,
                errors: [403, 404, 409, 422]))
        let episodes = routes.grouped("episodes")
        episodes.get(use: list).openAPI(
            .init(
                summary: "列出监测记录", tag: "监测", query: EpisodeFilter.queryParameters + [.page, .per], response: .page(of: .ref("EpisodeSummary")),
                errors: [422]))
        episodes.get(":id", use: show).openAPI(.init(summary: "查看监测记录(含步骤和帮扶措施)", tag: "监测", response: .ref("Episode"), errors: [404]))
        episodes.post(":id", "steps", use: step).openAPI(
            .init(
                summary: "办理一个步骤(条件未满足时列出每一项未满足的条件;带 If-Match 时须为当前版本)", tag: "监测",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag(可选)", required: false)], body: .ref("EpisodeStepInput"),
                response: .ref("Episode"), errors: [403, 404, 409, 412, 422]))
        episodes.get(":id", "measures", use: measures).openAPI(
            .init(summary: "列出帮扶措施", tag: "监测", response: .array(.ref("Measure")), errors: [404]))
        episodes.post(":id", "measures", use: addMeasure).openAPI(
            .init(summary: "登记帮扶措施", tag: "监测", body: .ref("NewMeasure"), response: .ref("Measure"), status: 201, errors: [403, 404, 409, 422]))
        episodes.post(":id", "measures", ":measure", "end", use: endMeasure).openAPI(
            .init(
                summary: "登记帮扶措施的结束日期", tag: "监测", body: .object([("end", .date)], required: ["end"]), response: .ref("Measure"),
                errors: [403, 404, 422]))
    }

    static let schemas: [String: JSONSchema] = [
        "Episode": EpisodeDTO.schema, "EpisodeSummary": EpisodeDTO.summarySchema, "EpisodeStep": StepDTO.schema, "Measure": MeasureDTO.schema,
        "NewMeasure": MeasureDTO.inputSchema,
        "NewEpisode": .object(
            [
                ("channel", .string(values: MonitoringChannel.allCases.map(\.rawValue))), ("date", .date), ("warning_ids", .array(.uuid)),
                ("note", .string()),
            ], required: ["channel", "date"]),
        "EpisodeStepInput": .object(
            [
                ("step", .string(values: EpisodeStepKind.allCases.filter { $0 != .open }.map(\.rawValue))), ("date", .date), ("note", .string()),
                ("consent", .boolean), ("category", .string(values: MonitoringCategory.allCases.map(\.rawValue))),
                ("risk_types", .array(.string(values: MonitoringRiskType.allCases.map(\.rawValue)))), ("reason", .string()),
            ], required: ["step", "date"]),
    ]

    static func respond(_ e: EpisodeRecord, household: Household, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let dto = EpisodeDTO(
            e, householdCode: household.code, divisionCode: household.divisionCode, steps: try await EpisodeService.steps(of: e, on: req.db),
            measures: try await EpisodeService.measures(of: e, on: req.db))
        let response = try await dto.encodeResponse(status: status, for: req)
        ETag.set(on: response, for: e)
        return response
    }

    func open(req: Request) async throws -> Response {
        let caller = try req.caller
        if let refusal = EpisodeStepKind.open.permits(EpisodeService.actor(caller)) { throw refusal }
        let household = try await HouseholdsAPI.household(req)
        var input = try InputReader(req)
        let channel = input.enumeration("channel", MonitoringChannel.self, required: true)
        let date = input.date("date", required: true)
        let note = input.string("note", maxLength: MonitoringEpisode.maximumNoteLength, multiLine: true) ?? ""
        let ids = Self.uuids(&input, "warning_ids")
        try input.finish()
        let record = try await EpisodeService.open(
            household: household, channel: channel!, on: date!, warningIDs: ids, note: note, caller: caller, actor: req.auditActor, on: req.db)
        return try await Self.respond(record, household: household, status: .created, req: req)
    }

    static func uuids(_ input: inout InputReader, _ field: String) -> [UUID] {
        input.markSeen(field)
        switch input.rawValue(field) {
        case .none, .some(.null): return []
        case .array(let items):
            var ids: [UUID] = []
            for (i, item) in items.enumerated() {
                if case .string(let s) = item, let id = UUID(uuidString: s) { ids.append(id) } else { input.add("\(field).\(i)", "应为预警编号") }
            }
            return ids
        default:
            input.add(field, "应为预警编号的数组")
            return []
        }
    }

    func list(req: Request) async throws -> Page<EpisodeDTO> {
        let caller = try req.caller
        var problems: [FieldProblem] = []
        var paging: PageRequest?
        var filter: EpisodeFilter?
        do { paging = try PageRequest(from: req) } catch let failure as ValidationFailure { problems += failure.problems }
        do { filter = try EpisodeFilter(from: req) } catch let failure as ValidationFailure { problems += failure.problems }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let (rows, total) = try await filter!.run(scope: caller.scope, paging: paging!, on: req.db)
        let counts = try await Self.measureCounts(rows.compactMap(\.episode.id), on: req.db)
        return Page(
            items: rows.map {
                var dto = EpisodeDTO($0.episode, householdCode: $0.householdCode, divisionCode: $0.divisionCode, state: $0.state)
                dto.measureCount = counts[$0.episode.id!] ?? 0
                return dto
            }, metadata: .init(page: paging!.page, per: paging!.per, total: total))
    }

    static func measureCounts(_ ids: [UUID], on db: any Database) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        var counts: [UUID: Int] = [:]
        for m in try await MeasureRecord.query(on: db).filter(\.$episodeID ~~ ids).all() { counts[m.episodeID, default: 0] += 1 }
        return counts
    }

    func show(req: Request) async throws -> Response {
        let (episode, household) = try await EpisodeService.find(req.parameters.get("id"), in: try req.caller.scope, on: req.db)
        return try await Self.respond(episode, household: household, req: req)
    }

    /// A step from its JSON body; fields the step does not take are refused.
    static func readStep(_ input: inout InputReader) -> (EpisodeStep, CivilDate, String)? {
        let kind = input.enumeration("step", EpisodeStepKind.self, required: true)
        let date = input.date("date", required: true)
        let note = input.string("note", maxLength: MonitoringEpisode.maximumNoteLength, multiLine: true) ?? ""
        let takes: [EpisodeStepKind: Set<String>] = [.visit: ["consent"], .approve: ["category", "risk_types"], .reject: ["reason"]]
        for field in ["consent", "category", "risk_types", "reason"] where input.has(field) && !(kind.flatMap { takes[$0] }?.contains(field) ?? true)
        {
            input.markSeen(field)
            input.add(field, "「\(kind!.label)」不需要此字段")
        }
        var step: EpisodeStep?
        switch kind {
        case .none: return nil
        case .open: step = .open(channel: .selfApplication, warningIDs: [])
        case .visit:
            if let consent = input.bool("consent", required: true) { step = .visit(consent: consent) }
        case .notice: step = .notice
        case .townshipCheck: step = .townshipCheck
        case .approve:
            let category = input.enumeration("category", MonitoringCategory.self, required: true)
            var types: [MonitoringRiskType] = []
            input.markSeen("risk_types")
            switch input.rawValue("risk_types") {
            case .none, .some(.null): input.add("risk_types", "此项为必填")
            case .array(let items):
                for (i, item) in items.enumerated() {
                    if case .string(let s) = item, let t = MonitoringRiskType(rawValue: s) {
                        types.append(t)
                    } else {
                        input.add("risk_types.\(i)", "取值应为:" + MonitoringRiskType.allCases.map(\.rawValue).joined(separator: "、"))
                    }
                }
            default: input.add("risk_types", "应为风险类型的数组")
            }
            if let category { step = .approve(category: category, riskTypes: types) }
        case .reject:
            input.markSeen("reason")
            var reason = ""
            if case .string(let s) = input.rawValue("reason") { reason = s } else if input.has("reason") { input.add("reason", "应为字符串") }
            step = .reject(reason: reason)
        case .proposeElimination: step = .proposeElimination
        case .eliminationNotice: step = .eliminationNotice
        case .eliminate: step = .eliminate
        }
        guard let step, let date else { return nil }
        return (step, date, note)
    }

    func step(req: Request) async throws -> Response {
        let caller = try req.caller
        var input = try InputReader(req)
        let read = Self.readStep(&input)
        try input.finish()
        let (step, date, note) = read!
        // Who may take the step depends only on the caller, so it is refused before the
        // episode is looked up (a role that may not act gets 403 wherever the episode is).
        if let refusal = step.kind.permits(EpisodeService.actor(caller)) { throw refusal }
        let (episode, household) = try await EpisodeService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        // If-Match is optional here (a step is checked against the episode as it stands), but
        // when sent it must name the current version.
        var expected: Int?
        if req.headers.first(name: .ifMatch) != nil {
            try req.requireIfMatch(episode)
            expected = episode.version
        }
        try await EpisodeService.step(
            episode, household: household, step: step, on: date, note: note, caller: caller, expectedVersion: expected, actor: req.auditActor,
            on: req.db)
        return try await Self.respond(episode, household: household, req: req)
    }

    func measures(req: Request) async throws -> [MeasureDTO] {
        let (episode, _) = try await EpisodeService.find(req.parameters.get("id"), in: try req.caller.scope, on: req.db)
        return try await EpisodeService.measures(of: episode, on: req.db).map(MeasureDTO.init)
    }

    /// A measure from its JSON body, every problem at once.
    static func readMeasure(_ input: inout InputReader, today: CivilDate) -> AssistanceMeasure? {
        let type = input.enumeration("type", AssistanceMeasureType.self, required: true)
        let description = input.string("description", required: true, maxLength: AssistanceMeasure.maximumDescriptionLength, multiLine: true)
        let unit = input.string("unit", required: true, maxLength: 100)
        let person = input.string("person", required: true, maxLength: 50)
        let start = input.date("start", required: true)
        let end = input.date("end")
        let amount = input.integer("amount_fen", range: 0...IncomeFigures.maximumFen) ?? 0
        guard let type, let description, let unit, let person, let start else { return nil }
        do {
            return try AssistanceMeasure(
                type: type, description: description, unit: unit, person: person, startOn: start, endOn: end, amountFen: amount, today: today)
        } catch {
            for p in error.problems { input.add(p.field, p.message) }
            return nil
        }
    }

    func addMeasure(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let (episode, household) = try await EpisodeService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let measure = Self.readMeasure(&input, today: RegistryFinder.today())
        try input.finish()
        let record = try await EpisodeService.addMeasure(measure!, to: episode, household: household, actor: req.auditActor, on: req.db)
        return try await MeasureDTO(record).encodeResponse(status: .created, for: req)
    }

    func endMeasure(req: Request) async throws -> MeasureDTO {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let (episode, household) = try await EpisodeService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        guard let id = req.parameters.get("measure").flatMap(UUID.init(uuidString:)),
            let record = try await MeasureRecord.find(id, on: req.db), record.episodeID == episode.id
        else { throw Refusal.notFound }
        var input = try InputReader(req)
        let end = input.date("end", required: true)
        try input.finish()
        try await EpisodeService.endMeasure(record, on: end!, household: household, actor: req.auditActor, on: req.db)
        return MeasureDTO(record)
    }
}
