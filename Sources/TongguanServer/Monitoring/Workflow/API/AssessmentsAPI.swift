import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/households/{code}/assessments`: income assessments, newest first; recording one
/// runs the early-warning rules.
struct AssessmentsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let assessments = routes.grouped("households", ":code", "assessments")
        assessments.get(use: list).openAPI(
            .init(summary: "列出农户的收入评估(新的在前)", tag: "监测", query: [.page, .per], response: .page(of: .ref("Assessment")), errors: [404, 422]))
        assessments.post(use: create).openAPI(
            .init(
                summary: "登记收入评估(计算纯收入和人均纯收入,并运行预警规则)", tag: "监测", body: .ref("NewAssessment"), response: .ref("Assessment"),
                status: 201, errors: [403, 404, 409, 422]))
    }

    static let schemas: [String: JSONSchema] = [
        "Assessment": AssessmentDTO.schema, "NewAssessment": AssessmentDTO.inputSchema, "Warning": WarningDTO.schema,
        "WarningFacts": WarningFactsDTO.schema,
    ]

    func list(req: Request) async throws -> Page<AssessmentDTO> {
        let paging = try PageRequest(from: req)
        let household = try await HouseholdsAPI.household(req)
        let (rows, total) = try await AssessmentService.list(of: household, paging: paging, on: req.db)
        return Page(
            items: rows.map { AssessmentDTO($0, householdCode: household.code) }, metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    /// The body of a new assessment, every problem at once.
    static func read(_ input: inout InputReader, caller: Caller) -> AssessmentService.Input? {
        let date = input.date("assessed_on", required: true)
        var amounts: [Int64] = []
        for field in AssessmentDTO.moneyFields {
            amounts.append(input.integer(field, required: true, range: 0...IncomeFigures.maximumFen) ?? -1)
        }
        let housing = input.bool("housing_safe", required: true)
        let water = input.bool("water_safe", required: true)
        let by = input.string("assessed_by", maxLength: 50)
        guard let date, let housing, let water, !amounts.contains(-1) else { return nil }
        let figures = IncomeFigures(
            wagesFen: amounts[0], businessFen: amounts[1], propertyFen: amounts[2], transferFen: amounts[3],
            productionCostsFen: amounts[4], medicalFen: amounts[5], educationFen: amounts[6])
        return .init(
            assessedOn: date, figures: figures, housingSafe: housing, waterSafe: water,
            assessedBy: (by?.isEmpty ?? true) ? caller.username : by!)
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let household = try await HouseholdsAPI.household(req)
        var input = try InputReader(req)
        let body = Self.read(&input, caller: caller)
        try input.finish()
        let recorded = try await AssessmentService.record(body!, household: household, ring: try req.registryKeys, actor: req.auditActor, on: req.db)
        let dto = AssessmentDTO(
            recorded.record, householdCode: household.code,
            warnings: recorded.warnings.map { WarningDTO($0, householdCode: household.code, divisionCode: household.divisionCode) })
        return try await dto.encodeResponse(status: .created, for: req)
    }
}
