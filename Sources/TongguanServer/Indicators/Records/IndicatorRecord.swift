import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// 指标: one indicator of the catalogue, with its source (entered by people, or a query a
/// module registered). The domain's `Indicator` is the checked form; this is its row.
final class IndicatorRecord: Model, Versioned, @unchecked Sendable {
    static let schema = "indicators"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Field(key: "version")
    var version: Int

    // references

    /// The owner division: the indicator is visible there, below it and to nothing else.
    @Field(key: "division_code")
    var divisionCode: String

    // data

    /// Stable ASCII code; never changes once values hang on it.
    @Field(key: "code")
    var code: String

    @Field(key: "name")
    var name: String

    @Field(key: "unit")
    var unit: String

    @Field(key: "display_scale")
    var displayScale: Int

    @Field(key: "decimals")
    var decimals: Int

    @Field(key: "direction")
    var direction: String

    @Field(key: "roll_up")
    var rollUp: String

    /// `manual` or `computed`.
    @Field(key: "source_type")
    var sourceType: String

    /// The query as JSON (`{"kind", "parameters"}`), for computed indicators.
    @OptionalField(key: "query")
    var query: String?

    /// The denominator's query as JSON, for ratios.
    @OptionalField(key: "denominator")
    var denominator: String?

    init() {}

    init(_ indicator: Indicator) {
        version = 1
        apply(indicator)
    }

    func apply(_ i: Indicator) {
        code = i.code.rawValue
        name = i.name
        unit = i.unit
        displayScale = i.displayScale
        decimals = i.decimals
        direction = i.direction.rawValue
        rollUp = i.rollUp.rawValue
        divisionCode = i.ownerDivision.rawValue
        switch i.source {
        case .manual:
            sourceType = "manual"
            query = nil
            denominator = nil
        case .computed(let q, let d):
            sourceType = "computed"
            query = Self.encode(q)
            denominator = d.map(Self.encode)
        }
    }

    /// The domain form. Rows are written only from checked indicators, so a row that does
    /// not read back is a damaged database: it is shown as a manual indicator rather than
    /// crashing a page.
    var indicator: Indicator {
        let source: IndicatorSource =
            sourceType == "computed"
            ? query.flatMap(Self.decode).map { .computed($0, denominator: denominator.flatMap(Self.decode)) } ?? .manual : .manual
        return Indicator(
            code: IndicatorCode(code) ?? IndicatorCode("invalid.code")!, name: name, unit: unit, displayScale: displayScale,
            decimals: decimals, direction: Direction(rawValue: direction) ?? .higherIsBetter, rollUp: RollUp(rawValue: rollUp) ?? .none,
            ownerDivision: DivisionCode(divisionCode) ?? DivisionCode("141100")!, source: source)
    }

    static func encode(_ query: IndicatorQuery) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(query)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ text: String) -> IndicatorQuery? { try? JSONDecoder().decode(IndicatorQuery.self, from: Data(text.utf8)) }
}

struct CreateIndicators: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(IndicatorRecord.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("unit", .string, .required)
            .field("display_scale", .int, .required)
            .field("decimals", .int, .required)
            .field("direction", .string, .required)
            .field("roll_up", .string, .required)
            .field("source_type", .string, .required)
            .field("query", .string)
            .field("denominator", .string)
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
        try await database.sql.create(index: "indicators_division").on(IndicatorRecord.schema).column("division_code").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(IndicatorRecord.schema).delete()
    }
}
