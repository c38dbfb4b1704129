import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The catalogue: finding indicators in scope, and the one write path for their
/// definitions. An indicator is visible in its owner division, below it, and (like a round)
/// to the owner's descendants from above: a county sees the city's indicators and its own,
/// never another county's; it changes only its own.
enum IndicatorService {
    /// The query kinds the modules registered, as the domain checks them.
    static var registry: QueryKindRegistry { QueryKindRegistry(Modules.indicatorQueries.values.map(\.spec)) }

    static func visible(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<IndicatorRecord> {
        let ancestors = scope.root.ancestors.map(\.rawValue)
        return IndicatorRecord.query(on: db).group(.or) { or in
            or.filter(\.$divisionCode =~ scope.prefix)
            if !ancestors.isEmpty { or.filter(\.$divisionCode ~~ ancestors) }
        }
    }

    static func isVisible(_ record: IndicatorRecord, to scope: DivisionScope) -> Bool {
        scope.contains(record.divisionCode) || scope.root.ancestors.contains { $0.rawValue == record.divisionCode }
    }

    /// The indicator with `code`, or `.notFound` (also for one the caller may not see).
    static func find(_ code: String?, scope: DivisionScope, on db: any Database) async throws -> IndicatorRecord {
        guard let code, IndicatorCode(code) != nil,
            let record = try await IndicatorRecord.query(on: db).filter(\.$code == code).first(),
            isVisible(record, to: scope)
        else { throw Refusal.notFound }
        return record
    }

    /// As `find`, for changing the definition: an indicator owned above the caller is read-only.
    static func findEditable(_ code: String?, scope: DivisionScope, on db: any Database) async throws -> IndicatorRecord {
        let record = try await find(code, scope: scope, on: db)
        guard scope.contains(record.divisionCode) else { throw Refusal.forbidden("上级单位的指标只能查看,不能修改") }
        return record
    }

    /// Every visible indicator, by code (for templates, imports and dashboards).
    static func catalogue(_ scope: DivisionScope, on db: any Database) async throws -> [IndicatorRecord] {
        try await visible(scope, on: db).sort(\.$code).all()
    }

    /// The checks a definition needs beyond the domain's: the owner division exists and is
    /// in scope, the code is free, and a manual indicator with values stays manual.
    static func problems(_ indicator: Indicator, existing: IndicatorRecord?, scope: DivisionScope, on db: any Database) async throws -> [FieldProblem]
    {
        var problems = ProblemList()
        let owner = indicator.ownerDivision
        let ownerExists = try await Division.find(owner.rawValue, on: db) != nil
        if !scope.contains(owner) || !ownerExists {
            problems.add("division_code", "应为您管辖范围内的区划")
        }
        if let existing {
            if existing.code != indicator.code.rawValue { problems.add("code", "指标编码不能修改(数值、模板和目标都以它为准)") }
            if existing.sourceType == "manual", !indicator.source.isManual {
                let entered = try await IndicatorValueRecord.query(on: db).filter(\.$indicator.$id == existing.requireID()).count()
                if entered > 0 { problems.add("source.type", "已有\(entered)个手工填报的数值,不能改为计算型指标") }
            }
        } else if try await IndicatorRecord.query(on: db).filter(\.$code == indicator.code.rawValue).first() != nil {
            problems.add("code", "指标编码「\(indicator.code.rawValue)」已被使用")
        }
        return problems.problems
    }

    static func create(_ indicator: Indicator, actor: AuditActor, on db: any Database) async throws -> IndicatorRecord {
        let record = IndicatorRecord(indicator)
        try await db.audited(by: actor) { tx, audit in
            try await record.create(on: tx)
            audit.record(
                "indicator.create", entityType: "indicator", entityID: record.id!.uuidString, divisionCode: record.divisionCode,
                changes: Self.diff(before: nil, after: indicator).changes)
        }
        return record
    }

    static func update(_ record: IndicatorRecord, to indicator: Indicator, actor: AuditActor, on db: any Database) async throws {
        let diff = Self.diff(before: record.indicator, after: indicator)
        guard !diff.isEmpty else { return }
        record.apply(indicator)
        try await db.audited(by: actor) { tx, audit in
            try await record.saveVersioned(on: tx)
            audit.record(
                "indicator.update", entityType: "indicator", entityID: record.id!.uuidString, divisionCode: record.divisionCode,
                changes: diff.changes)
        }
    }

    static func diff(before: Indicator?, after: Indicator) -> AuditDiff {
        var diff = AuditDiff()
        func query(_ s: IndicatorSource?) -> String? {
            guard case .computed(let q, let d)? = s else { return nil }
            return IndicatorRecord.encode(q) + (d.map { " ÷ " + IndicatorRecord.encode($0) } ?? "")
        }
        diff.add("code", before: before?.code.rawValue, after: after.code.rawValue)
        diff.add("name", before: before?.name, after: after.name)
        diff.add("unit", before: before?.unit, after: after.unit)
        diff.add("display_scale", before: before.map { String($0.displayScale) }, after: String(after.displayScale))
        diff.add("decimals", before: before.map { String($0.decimals) }, after: String(after.decimals))
        diff.add("direction", before: before?.direction.rawValue, after: after.direction.rawValue)
        diff.add("roll_up", before: before?.rollUp.rawValue, after: after.rollUp.rawValue)
        diff.add("owner_division", before: before?.ownerDivision.rawValue, after: after.ownerDivision.rawValue)
        diff.add(
            "source.type", before: before.map { $0.source.isManual ? "manual" : "computed" }, after: after.source.isManual ? "manual" : "computed")
        diff.add("source.query", before: query(before?.source), after: query(after.source))
        return diff
    }
}
