import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Briefings: templates checked against the catalogue on every save (the domain's parser
/// names the line and the reason of each problem), and rendered with every figure computed
/// at that moment through `IndicatorEvaluator` — so through the query kinds the modules
/// registered — each figure linked to the records it counts. A figure that cannot be
/// computed (nothing entered, a query kind no module registered yet) is a visible gap.
enum BriefingService {
    /// Visible like indicators: in the owner division, below it, and to its descendants from above.
    static func visible(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<BriefingTemplateRecord> {
        let ancestors = scope.root.ancestors.map(\.rawValue)
        return BriefingTemplateRecord.query(on: db).group(.or) { or in
            or.filter(\.$divisionCode =~ scope.prefix)
            if !ancestors.isEmpty { or.filter(\.$divisionCode ~~ ancestors) }
        }
    }

    /// The template with this id, or `.notFound` (also when out of scope).
    static func find(_ raw: String?, scope: DivisionScope, on db: any Database) async throws -> BriefingTemplateRecord {
        guard let raw, let id = UUID(uuidString: raw), let record = try await visible(scope, on: db).filter(\.$id == id).first()
        else { throw Refusal.notFound }
        return record
    }

    /// The template with this name (the CLI names templates), or `.notFound`.
    static func find(named name: String, scope: DivisionScope, on db: any Database) async throws -> BriefingTemplateRecord {
        guard let record = try await visible(scope, on: db).filter(\.$name == name).first() else { throw Refusal.notFound }
        return record
    }

    static func findEditable(_ raw: String?, scope: DivisionScope, on db: any Database) async throws -> BriefingTemplateRecord {
        let record = try await find(raw, scope: scope, on: db)
        guard scope.contains(record.divisionCode) else { throw Refusal.forbidden("上级单位的简报模板只能查看和生成,不能修改") }
        return record
    }

    /// What templates may name, for a caller: visible indicators, registered query kinds,
    /// visible peer groups, and the divisions in scope (for footnotes and `division:`).
    static func catalogue(
        _ scope: DivisionScope, on db: any Database
    ) async throws -> (catalogue: TemplateCatalogue, records: [IndicatorCode: IndicatorRecord]) {
        let records = try await IndicatorService.catalogue(scope, on: db)
        var byCode: [IndicatorCode: IndicatorRecord] = [:]
        for r in records { byCode[r.indicator.code] = r }
        let groups = try await PeerService.groups(scope, on: db).map(\.group)
        let ancestors = scope.root.ancestors.map(\.rawValue)
        let divisions = try await Division.query(on: db).group(.or) { or in
            or.filter(\.$id =~ scope.prefix)
            if !ancestors.isEmpty { or.filter(\.$id ~~ ancestors) }
        }.all()
        var names: [DivisionCode: String] = [:]
        for d in divisions { if let code = DivisionCode(d.id ?? "") { names[code] = d.name } }
        return (
            TemplateCatalogue(
                indicators: records.map(\.indicator), queryKinds: IndicatorService.registry, peerGroups: groups, divisionNames: names),
            byCode
        )
    }

    /// The fields of a template as a write gives them.
    struct Fields: Sendable {
        var name: String
        var description: String
        var body: String
        var defaultPeriod: Period
        var division: DivisionCode
    }

    /// The template's problems against the caller's catalogue, one field problem per
    /// template problem (`第3行第12列:未知指标「air.pm10」`), all at once.
    static func problems(body: String, scope: DivisionScope, on db: any Database) async throws -> [FieldProblem] {
        let (catalogue, _) = try await catalogue(scope, on: db)
        do throws(TemplateProblems) {
            _ = try BriefingTemplate(parsing: body, catalogue: catalogue)
            return []
        } catch {
            return error.problems.map { FieldProblem(field: "body", message: $0.text) }
        }
    }

    static func create(_ f: Fields, actor: AuditActor, on db: any Database) async throws -> BriefingTemplateRecord {
        let record = BriefingTemplateRecord()
        record.version = 1
        apply(f, to: record, actor: actor)
        try await db.audited(by: actor) { tx, audit in
            guard try await BriefingTemplateRecord.query(on: tx).filter(\.$name == f.name).count() == 0 else {
                throw Refusal.conflict("已有名为「\(f.name)」的简报模板")
            }
            try await record.create(on: tx)
            audit.record(
                "briefing.create", entityType: "briefing", entityID: record.id!.uuidString, divisionCode: record.divisionCode,
                changes: diff(before: nil, after: record).changes)
        }
        return record
    }

    static func update(_ record: BriefingTemplateRecord, with f: Fields, actor: AuditActor, on db: any Database) async throws {
        let before = Snapshot(record)
        apply(f, to: record, actor: actor)
        let changes = diff(before: before, after: record)
        guard !changes.isEmpty else { return }
        try await db.audited(by: actor) { tx, audit in
            if f.name != before.name,
                try await BriefingTemplateRecord.query(on: tx).filter(\.$name == f.name).filter(\.$id != record.id!).count() > 0
            {
                throw Refusal.conflict("已有名为「\(f.name)」的简报模板")
            }
            try await record.saveVersioned(on: tx)
            audit.record(
                "briefing.update", entityType: "briefing", entityID: record.id!.uuidString, divisionCode: record.divisionCode,
                changes: changes.changes)
        }
    }

    private static func apply(_ f: Fields, to record: BriefingTemplateRecord, actor: AuditActor) {
        record.name = f.name
        record.description = f.description
        record.body = f.body
        record.defaultPeriod = f.defaultPeriod.description
        record.divisionCode = f.division.rawValue
        record.updatedBy = actor.name
    }

    struct Snapshot {
        var name, description, body, defaultPeriod, divisionCode: String
        init(_ r: BriefingTemplateRecord) {
            (name, description, body, defaultPeriod, divisionCode) = (r.name, r.description, r.body, r.defaultPeriod, r.divisionCode)
        }
    }

    /// The template text is not copied into the audit log (it can be long); its length is.
    static func diff(before: Snapshot?, after: BriefingTemplateRecord) -> AuditDiff {
        var d = AuditDiff()
        d.add("name", before: before?.name, after: after.name)
        d.add("description", before: before?.description, after: after.description)
        let length = before.map { "\($0.body.count)字" }
        d.add("body", before: length, after: before?.body == after.body ? length : "\(after.body.count)字" + (before == nil ? "" : "(已修改)"))
        d.add("default_period", before: before?.defaultPeriod, after: after.defaultPeriod)
        d.add("division_code", before: before?.divisionCode, after: after.divisionCode)
        return d
    }

    /// A rendered briefing, the links of its figures (by placeholder index) and its context.
    struct Rendered: Sendable {
        var briefing: RenderedBriefing
        var links: [Int: String]
        var context: BriefingContext
        var computedAt: String

        var markdown: String { briefing.markdown }
        func html() -> String { briefing.html { links[$0.index] } }
    }

    /// Renders `record` for a period and division in scope: every figure computed now.
    static func render(
        _ record: BriefingTemplateRecord, period: Period, division: DivisionCode, scope: DivisionScope, on db: any Database,
        now: Date = Date(), logger: Logger? = nil
    ) async throws -> Rendered {
        let template: BriefingTemplate
        do throws(TemplateProblems) { template = try BriefingTemplate(parsing: record.body) } catch {
            throw error.refusal(field: "body")
        }
        let (catalogue, records) = try await catalogue(scope, on: db)
        let context = BriefingContext(period: period, division: division)
        let evaluator = IndicatorEvaluator(db: db, scope: scope, logger: logger)
        var outcomes: [Int: FigureOutcome] = [:]
        var links: [Int: String] = [:]
        for request in template.requests(in: context, catalogue: catalogue) {
            guard let indicator = records[request.indicator] else { continue }
            guard scope.contains(request.division.rawValue) else {
                outcomes[request.index] = .unavailable("区划「\(request.division.rawValue)」不在您的管辖范围内")
                continue
            }
            switch request.kind {
            case .value:
                let v = try await evaluator.evaluate(indicator, period: request.period, division: request.division, overrides: request.queryOverrides)
                outcomes[request.index] = v.value.map(FigureOutcome.value) ?? .unavailable(v.unavailable ?? "未能计算")
                if !v.link.isEmpty { links[request.index] = v.link }
            case .comparison(_, let base):
                let now = try await evaluator.evaluate(
                    indicator, period: request.period, division: request.division, overrides: request.queryOverrides)
                if !now.link.isEmpty { links[request.index] = now.link }
                guard let current = now.value else {
                    outcomes[request.index] = .unavailable(now.unavailable ?? "未能计算")
                    continue
                }
                guard let base else { continue }
                let then = try await evaluator.evaluate(indicator, period: base, division: request.division, overrides: request.queryOverrides)
                guard let before = then.value else {
                    outcomes[request.index] = .unavailable(then.unavailable ?? "未能计算")
                    continue
                }
                outcomes[request.index] = .comparison(current: current, base: before)
            case .ranking(let group, _, _):
                guard let group else { continue }
                outcomes[request.index] = .ranking(
                    try await PeerService.ranking(indicator, group: group, period: request.period, scope: scope, on: db))
                links[request.index] =
                    "/indicators/\(request.indicator.rawValue)/ranking"
                    + QueryString.encode([
                        ("group", group.name), ("group_year", String(group.year)), ("period", request.period.description),
                    ])
            case .target(let due):
                let indicatorID = try indicator.requireID()
                var query = TargetRecord.query(on: db).filter(\.$indicator.$id == indicatorID)
                    .filter(\.$divisionCode == request.division.rawValue)
                if let due { query = query.filter(\.$due == due.description) }
                let found = try await query.sort(\.$due).all()
                if found.count > 1 {
                    outcomes[request.index] = .unavailable("该区划对此指标设有\(found.count)个目标,请用 due 指明期限")
                } else {
                    outcomes[request.index] = .target(found.first?.target(code: request.indicator))
                }
                links[request.index] = "/indicators/targets"
            }
        }
        let computedAt = String(ChinaDate.display(StoredInstant.string(now)).prefix(16))
        let briefing = BriefingRenderer.render(template, context: context, catalogue: catalogue, outcomes: outcomes, computedAt: computedAt)
        return Rendered(briefing: briefing, links: links, context: context, computedAt: computedAt)
    }
}
