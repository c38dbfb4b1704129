import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Peer groups and rankings. A group is visible like a round (its owner division, below it,
/// and from below); its members are cities by name and code. A member that is a division of
/// the tree takes its value from the indicator itself (entered or computed, and only when it
/// is in the caller's scope); any other member from the peer values entered for it.
enum PeerService {
    /// The groups every database starts with: the 2018 plan's 汾渭平原 and Shanxi's cities.
    static let seeds: [PeerGroup] = [
        PeerGroup(
            name: "汾渭平原", year: 2018,
            members: [
                ("晋中", "140700"), ("运城", "140800"), ("临汾", "141000"), ("吕梁", "141100"), ("洛阳", "410300"), ("三门峡", "411200"),
                ("西安", "610100"), ("铜川", "610200"), ("宝鸡", "610300"), ("咸阳", "610400"), ("渭南", "610500"),
            ].map { PeerMember(name: $0.0, code: $0.1) }),
        // The province's 11 prefecture-level cities as they stand since 吕梁地区 became 吕梁市 in 2003.
        PeerGroup(
            name: "山西省", year: 2003,
            members: [
                ("太原", "140100"), ("大同", "140200"), ("阳泉", "140300"), ("长治", "140400"), ("晋城", "140500"), ("朔州", "140600"),
                ("晋中", "140700"), ("运城", "140800"), ("忻州", "140900"), ("临汾", "141000"), ("吕梁", "141100"),
            ].map { PeerMember(name: $0.0, code: $0.1) }),
    ]

    /// Creates the seed groups that are missing (every start; idempotent).
    static func seed(_ db: any Database) async throws {
        guard let root = try await Division.root(on: db) else { return }
        for group in seeds where try await PeerGroupRecord.query(on: db).filter(\.$name == group.name).filter(\.$year == group.year).first() == nil {
            _ = try await create(group, division: root.code, actor: .system, on: db)
        }
    }

    static func visible(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<PeerGroupRecord> {
        let ancestors = scope.root.ancestors.map(\.rawValue)
        return PeerGroupRecord.query(on: db).group(.or) { or in
            or.filter(\.$divisionCode =~ scope.prefix)
            if !ancestors.isEmpty { or.filter(\.$divisionCode ~~ ancestors) }
        }
    }

    /// Every visible group with its members, in name and year order.
    static func groups(_ scope: DivisionScope, on db: any Database) async throws -> [(record: PeerGroupRecord, group: PeerGroup)] {
        let records = try await visible(scope, on: db).with(\.$members).sort(\.$name).sort(\.$year).all()
        return records.map { ($0, $0.group(members: $0.members)) }
    }

    static func find(_ raw: String?, scope: DivisionScope, on db: any Database) async throws -> (PeerGroupRecord, PeerGroup) {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let record = try await PeerGroupRecord.find(id, on: db),
            scope.contains(record.divisionCode) || scope.root.ancestors.contains(where: { $0.rawValue == record.divisionCode })
        else { throw Refusal.notFound }
        let members = try await record.$members.get(on: db)
        return (record, record.group(members: members))
    }

    static func create(_ group: PeerGroup, division: DivisionCode, actor: AuditActor, on db: any Database) async throws -> PeerGroupRecord {
        let record = PeerGroupRecord(name: group.name, year: group.year, divisionCode: division.rawValue)
        try await db.audited(by: actor) { tx, audit in
            if try await PeerGroupRecord.query(on: tx).filter(\.$name == group.name).filter(\.$year == group.year).first() != nil {
                throw Refusal.invalid("name", "已有\(group.year)年的「\(group.name)」比较组")
            }
            try await record.create(on: tx)
            for (i, member) in group.members.enumerated() {
                try await PeerMemberRecord(groupID: record.id!, position: i, member: member).create(on: tx)
            }
            audit.record(
                "peer_group.create", entityType: "peer_group", entityID: record.id!.uuidString, divisionCode: division.rawValue,
                changes: [
                    AuditChange(field: "name", before: nil, after: group.name), AuditChange(field: "year", before: nil, after: String(group.year)),
                    AuditChange(field: "members", before: nil, after: group.members.map { "\($0.name)(\($0.code))" }.joined(separator: "、")),
                ])
        }
        return record
    }

    /// Whether `code` is a member of any group the caller can see (peer values are entered
    /// only for such cities).
    static func isMember(_ code: String, scope: DivisionScope, on db: any Database) async throws -> Bool {
        try await groups(scope, on: db).contains { $0.group.member(code: code) != nil }
    }

    /// The ranking of `group` by the indicator for `period`, values in the indicator's unit.
    static func ranking(
        _ record: IndicatorRecord, group: PeerGroup, period: Period, scope: DivisionScope, on db: any Database
    ) async throws -> Ranking {
        let indicator = record.indicator
        let evaluator = IndicatorEvaluator(db: db, scope: scope)
        let codes = group.members.map(\.code)
        let divisions = Set(try await Division.query(on: db).filter(\.$id ~~ codes).all().compactMap(\.id))
        let peerRows = try await PeerValueRecord.query(on: db).filter(\.$indicator.$id == record.requireID())
            .filter(\.$memberCode ~~ codes).all()
        var values: [String: ExactDecimal] = [:]
        for member in group.members {
            if divisions.contains(member.code) {
                // A city of the tree: its own value, and only for a caller who may see it.
                guard scope.contains(member.code), let division = DivisionCode(member.code) else { continue }
                if let v = try await evaluator.evaluate(record, period: period, division: division).exact {
                    values[member.code] = ValueService.shown(v, for: indicator)
                }
            } else {
                var entries: [Period: ExactDecimal] = [:]
                for row in peerRows where row.memberCode == member.code {
                    if let p = Period(text: row.period), period.contains(p), let v = try? ExactDecimal(row.value) { entries[p] = v }
                }
                if let v = (try? indicator.rollUp.value(for: period, entries: entries))?.value {
                    values[member.code] = ValueService.shown(v, for: indicator)
                }
            }
        }
        return Ranking(group: group, period: period, direction: indicator.direction, values: values)
    }

    /// The group a ranking names: by name, and by plan year when two lists share the name.
    static func group(
        named name: String, year: Int?, scope: DivisionScope, on db: any Database
    ) async throws -> Result<PeerGroup, TemplateCatalogueMiss> {
        let catalogue = TemplateCatalogue(indicators: [], queryKinds: QueryKindRegistry(), peerGroups: try await groups(scope, on: db).map(\.group))
        return catalogue.group(named: name, year: year)
    }
}
