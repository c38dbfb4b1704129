import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/projects`: the 三个一批 project pipeline.
struct ProjectsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let projects = routes.grouped("projects")
        projects.get(use: list).openAPI(
            .init(
                summary: "列出项目", tag: "项目",
                query: [
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "industry", description: "产业类别"),
                    .init(name: "stage", description: "已达到的最远阶段", schema: .string(values: Stage.allCases.map(\.rawValue))),
                    .init(name: "round_id", description: "任一里程碑属于此批次", schema: .uuid),
                    .init(name: "q", description: "项目名称或项目单位包含"),
                    .init(
                        name: "milestone_stage", description: "有此阶段的里程碑(配合 round_id 或 from/to)",
                        schema: .string(values: Stage.allCases.map(\.rawValue))),
                    .init(name: "from", description: "里程碑起始日期", schema: .date), .init(name: "to", description: "里程碑截止日期", schema: .date),
                    .page, .per,
                ],
                response: .page(of: .ref("Project")), errors: [422]))
        projects.post(use: create).openAPI(
            .init(
                summary: "新建项目", tag: "项目", body: .ref("NewProject"), response: .ref("Project"), status: 201, errors: [403]))
        projects.get("summary", use: summary).openAPI(
            .init(
                summary: "按阶段、区划或产业汇总项目个数与金额(由项目记录实时计算)", tag: "项目",
                query: [
                    .init(name: "round_id", description: "批次", schema: .uuid), .init(name: "from", description: "起始日期", schema: .date),
                    .init(name: "to", description: "截止日期(含)", schema: .date), .init(name: "division", description: "区划代码(含下级)"),
                    .init(name: "group_by", description: "分组", schema: .string(values: ProjectSummary.Grouping.allCases.map(\.rawValue))),
                ],
                response: .ref("Summary"), errors: [422]))
        projects.get(":id", use: show).openAPI(.init(summary: "查看项目", tag: "项目", response: .ref("Project"), errors: [404]))
        projects.patch(":id", use: update).openAPI(
            .init(
                summary: "修改项目(需 If-Match)", tag: "项目",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
                body: .ref("ProjectChange"), response: .ref("Project"), errors: [403, 404, 412, 428]))
        projects.delete(":id", use: delete).openAPI(.init(summary: "删除项目", tag: "项目", status: 204, errors: [403, 404]))
        projects.put(":id", "milestones", ":stage", use: setMilestone).openAPI(
            .init(
                summary: "登记或修改一个阶段的日期和批次", tag: "项目", body: .ref("MilestoneInput"), response: .ref("Project"),
                errors: [403, 404]))
        projects.delete(":id", "milestones", ":stage", use: removeMilestone).openAPI(
            .init(
                summary: "删除一个阶段(其后已有阶段的不能删除)", tag: "项目", response: .ref("Project"), errors: [403, 404, 409]))
    }

    static let schemas: [String: JSONSchema] = [
        "Project": ProjectDTO.schema, "NewProject": ProjectDTO.createSchema, "ProjectChange": ProjectDTO.updateSchema,
        "Milestone": MilestoneDTO.schema,
        "MilestoneInput": .object([("date", .date), ("round_id", .nullable(.uuid))], required: ["date"]),
        "Summary": .object([("rows", .array(SummaryRowDTO.schema))], required: ["rows"]),
    ]

    func list(req: Request) async throws -> Page<ProjectDTO> {
        let caller = try req.caller
        let paging = try PageRequest(from: req)
        let page = try await ProjectReads.page(try ProjectFilter(from: req), in: caller.scope, paging: paging, on: req.db)
        return Page(items: page.records.map(ProjectDTO.init), metadata: .init(page: paging.page, per: paging.per, total: page.total))
    }

    func respond(_ record: ProjectRecord, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let response = try await ProjectDTO(record).encodeResponse(status: status, for: req)
        ETag.set(on: response, id: record.id, version: record.version)
        return response
    }

    /// The answer of a write: the project as it now stands.
    func respond(_ project: Project, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let milestones = try await ProjectService.milestones(of: project, on: req.db)
        return try await respond(try ProjectRecord(project, milestones: milestones), status: status, req: req)
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        guard let record = try await ProjectReads.one(req.parameters.get("id"), in: caller.scope, on: req.db) else { throw Refusal.notFound }
        return try await respond(record, req: req)
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        var input = try InputReader(req)
        let fields = ProjectFields.read(&input, required: true)
        let milestones = try await readMilestones(&input, scope: caller.scope, on: req.db)
        for p in try await fields.problems(scope: caller.scope, on: req.db) { input.add(p.field, p.message) }
        if try await ProjectService.nameTaken(fields, on: req.db) { input.add("name", "该单位已有同名项目") }
        try input.finish()
        let project = try await ProjectService.create(fields, milestones: milestones, actor: req.auditActor, on: req.db)
        return try await respond(project, status: .created, req: req)
    }

    /// `milestones: [{stage, date, round_id}]` on creation, checked as a whole plan.
    func readMilestones(_ input: inout InputReader, scope: DivisionScope, on db: any Database) async throws -> [ProjectService.MilestoneInput] {
        guard let list = input.array("milestones") else { return [] }
        var result: [ProjectService.MilestoneInput] = []
        for (i, item) in list.enumerated() {
            var reader = InputReader(object: item)
            let stage = reader.enumeration("stage", Stage.self, required: true)
            let date = reader.date("date", required: true)
            let roundID = try await readRound(&reader, scope: scope, on: db)
            _ = try? reader.finish()
            for p in reader.problems.problems { input.add("milestones.\(i).\(p.field)", p.message) }
            if let stage, let date {
                if result.contains(where: { $0.stage == stage }) { input.add("milestones.\(i).stage", "同一阶段只能出现一次") }
                result.append(.init(stage: stage, date: date, roundID: roundID))
            }
        }
        for (stage, problem) in MilestonePlan(Dictionary(result.map { ($0.stage, $0.date) }, uniquingKeysWith: { a, _ in a })).problems {
            input.add("milestones.\(result.firstIndex { $0.stage == stage } ?? 0).date", problem.message)
        }
        return result
    }

    func readRound(_ reader: inout InputReader, scope: DivisionScope, on db: any Database) async throws -> UUID? {
        guard let raw = reader.string("round_id", maxLength: 40, nullable: true) else { return nil }
        guard let id = UUID(uuidString: raw), try await RoundService.find(id, visibleTo: scope, on: db) != nil else {
            reader.add("round_id", "活动批次不存在")
            return nil
        }
        return id
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let fields = ProjectFields.read(&input, required: false)
        for p in try await fields.problems(scope: caller.scope, on: req.db) { input.add(p.field, p.message) }
        if try await ProjectService.nameTaken(fields, except: project, on: req.db) { input.add("name", "该单位已有同名项目") }
        try input.finish()
        // Preconditions are judged after the request itself is found sound (RFC 9110 §13.2.1).
        try req.requireIfMatch(id: project.id!, version: project.version)
        try await ProjectService.update(project, with: fields, actor: req.auditActor, on: req.db)
        return try await respond(project, req: req)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        try await ProjectService.delete(project, actor: req.auditActor, on: req.db)
        return .noContent
    }

    func stage(_ req: Request) throws -> Stage {
        guard let stage = req.parameters.get("stage").flatMap(Stage.init(rawValue:)) else { throw Refusal.notFound }
        return stage
    }

    func setMilestone(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let stage = try stage(req)
        var input = try InputReader(req)
        let date = input.date("date", required: true)
        let roundID = try await readRound(&input, scope: caller.scope, on: req.db)
        try input.finish()
        try await ProjectService.setMilestone(project, .init(stage: stage, date: date!, roundID: roundID), actor: req.auditActor, on: req.db)
        return try await respond(project, req: req)
    }

    func removeMilestone(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        try await ProjectService.removeMilestone(project, stage: try stage(req), actor: req.auditActor, on: req.db)
        return try await respond(project, req: req)
    }

    func summary(req: Request) async throws -> SummaryDTO {
        let caller = try req.caller
        let request = try ProjectSummary.Request(from: req)
        let rows = try await ProjectSummary.run(request, scope: caller.scope, on: req.db)
        return SummaryDTO(rows: rows.map(SummaryRowDTO.init))
    }
}
