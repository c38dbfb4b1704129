import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The registry's data-quality checks (`HouseholdQuality`) over the active households in a
/// scope, a chunk of households at a time: every finding counted, the first `itemLimit` of
/// each check listed (household code and member id; never a name or an ID).
enum RegistryQuality {
    static let chunk = 500
    static let itemLimit = 200

    struct Item: Content, Equatable {
        var householdCode: String
        var memberID: UUID?
    }

    struct Check: Content {
        var check: String
        var label: String
        var message: String
        var count: Int
        var items: [Item]
    }

    struct Answer: Content {
        var checks: [Check]
    }

    static func run(
        scope: DivisionScope, division: DivisionCode?, on db: any Database, today: CivilDate = RegistryFinder.today()
    )
        async throws -> Answer
    {
        var checks = QualityCheck.allCases.map { Check(check: $0.rawValue, label: $0.label, message: $0.message, count: 0, items: []) }
        let position = Dictionary(uniqueKeysWithValues: QualityCheck.allCases.enumerated().map { ($1, $0) })
        var after = ""
        while true {
            var query = RegistryFinder.households(scope, on: db).filter(\.$status == HouseholdStatus.active.rawValue)
                .filter(\.$code > after)
            if let division { query = query.filter(\.$divisionCode =~ division.significantPrefix) }
            let households = try await query.sort(\.$code).limit(chunk).all()
            guard let last = households.last else { break }
            after = last.code
            let members = Dictionary(
                grouping: try await Member.query(on: db).filter(\.$householdID ~~ households.compactMap(\.id)).all(), by: \.householdID)
            for household in households {
                let snapshot = RegistryFinder.snapshot(household, members[household.id!] ?? [])
                for finding in HouseholdQuality.findings(snapshot, today: today) {
                    let i = position[finding.check]!
                    checks[i].count += 1
                    if checks[i].items.count < itemLimit {
                        checks[i].items.append(Item(householdCode: finding.householdCode.rawValue, memberID: finding.memberID))
                    }
                }
            }
        }
        return Answer(checks: checks)
    }
}

/// `GET /api/v1/households/quality`.
struct RegistryQualityAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("households").get("quality", use: quality).openAPI(
            .init(
                summary: "数据质量检查:无户主、子女年长于户主、超过110岁、空户、适龄未在校等(每项列出前200条)", tag: "监测",
                query: [.init(name: "division", description: "区划代码(含下级)")], response: .ref("HouseholdQuality"), errors: [422]))
    }

    static let schemas: [String: JSONSchema] = [
        "HouseholdQuality": .object(
            [
                (
                    "checks",
                    .array(
                        .object(
                            [
                                ("check", .string(values: QualityCheck.allCases.map(\.rawValue))), ("label", .string()), ("message", .string()),
                                ("count", .integer()),
                                (
                                    "items",
                                    .array(
                                        .object(
                                            [("household_code", .string()), ("member_id", .string(format: "uuid"))], required: ["household_code"]))
                                ),
                            ], required: ["check", "label", "message", "count", "items"]))
                )
            ], required: ["checks"])
    ]

    static func division(_ req: Request) throws -> DivisionCode? {
        var query = QueryReader(req)
        let division = query.divisionCode("division")
        try query.finish()
        return division
    }

    func quality(req: Request) async throws -> RegistryQuality.Answer {
        let caller = try req.caller
        return try await RegistryQuality.run(scope: caller.scope, division: try Self.division(req), on: req.db)
    }
}

/// `/monitoring/quality`: the same checks as a page, each finding linking to its household.
struct RegistryQualityPage: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("monitoring", "quality", use: page)
    }

    struct Body: Encodable, Sendable {
        var checks: [RegistryQuality.Check]
        var divisions: [SelectOption]
        var itemLimit: Int
    }

    func page(req: Request) async throws -> Response {
        let caller = try req.caller
        let division = try RegistryQualityAPI.division(req)
        let answer = try await RegistryQuality.run(scope: caller.scope, division: division, on: req.db)
        return try await req.page(
            "monitoring/quality", title: "数据质量", active: RegistryPages.active,
            Body(
                checks: answer.checks,
                divisions: try await Division.options(
                    in: caller.scope, selected: division?.rawValue, levels: Division.scopeLevels(below: caller.scope), on: req.db),
                itemLimit: RegistryQuality.itemLimit))
    }
}
