import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// A project as the API reads it: the stored row and its milestones. The answers of the API
/// (`ProjectDTO`) are built from this, whether it came from `ProjectReads` or from a model
/// just written.
struct ProjectRecord: Sendable {
    struct MilestoneRecord: Sendable {
        var stage: Stage
        var date: String
        var roundID: UUID?
    }

    var id: UUID
    var values: ProjectValues
    var version: Int
    var milestones: [MilestoneRecord]

    init(id: UUID, values: ProjectValues, version: Int, milestones: [MilestoneRecord]) {
        self.id = id
        self.values = values
        self.version = version
        self.milestones = milestones
    }

    init(_ p: Project, milestones: [Milestone]) throws {
        id = try p.requireID()
        values = p.values
        version = p.version
        self.milestones = milestones.map { MilestoneRecord(stage: $0.stage, date: $0.date, roundID: $0.$round.id) }
    }
}

/// The API's read path: every `GET /api/v1/projects…` goes through here. Plain SQL decoded
/// column by column, with the statement text quoted once per process: profiling the Fluent
/// version under load showed most of a request spent reflecting over the models (per query
/// and per row) and escaping identifiers, not in the database.
enum ProjectReads {
    typealias P = Project.FieldKeys
    typealias M = Milestone.FieldKeys

    static let projectColumns: [FieldKey] = [
        P.id, P.name, P.investorName, P.creditCode, P.divisionCode, P.developmentZone, P.industry, P.totalInvestmentFen,
        P.expectedAnnualOutputFen, P.contactPerson, P.contactPhone, P.notes, P.version,
    ]

    /// `"projects"."id", "projects"."name", …`: names need no escaping (they are ours), and
    /// both databases quote identifiers with double quotes.
    static let projectSelect = projectColumns.map { "\"\(Project.schema)\".\"\($0.description)\"" }.joined(separator: ", ")

    /// One project in scope with its milestones, in one statement; nil when missing or out of
    /// scope (the caller answers both alike).
    static func one(_ raw: String?, in scope: DivisionScope, on db: any Database) async throws -> ProjectRecord? {
        guard let id = raw.flatMap(UUID.init(uuidString:)) else { return nil }
        let rows = try await db.sql.raw(
            """
            SELECT \(unsafeRaw: projectSelect), \(unsafeRaw: milestoneSelect) FROM \(unsafeRaw: "\"\(Project.schema)\"") \
            LEFT JOIN \(unsafeRaw: milestoneJoin) WHERE \(unsafeRaw: "\"\(Project.schema)\".\"\(P.id.description)\"") = \(bind: id)
            """
        ).all()
        guard let first = rows.first else { return nil }
        var record = try project(first)
        guard scope.contains(record.values.divisionCode) else { return nil }
        for row in rows {
            if try !row.decodeNil(column: "m_stage") { record.milestones.append(try milestone(row)) }
        }
        return record
    }

    /// A page of the list, by name, and the exact total of the list, in one statement (one
    /// snapshot). The total comes from `ProjectCounts` unless a filter needs the rows.
    static func page(
        _ filter: ProjectFilter, in scope: DivisionScope, paging: PageRequest, on db: any Database
    ) async throws -> (
        records: [ProjectRecord], total: Int
    ) {
        let conditions = filter.conditions(in: scope)
        let total = totalQuery(filter, in: scope, conditions: conditions)
        var query: SQLQueryString = "SELECT (\(total)) AS \(unsafeRaw: "\"total\""), \(unsafeRaw: projectSelect) FROM \(ident: Project.schema)"
        query += " WHERE \(and(conditions))"
        query +=
            " ORDER BY \(unsafeRaw: "\"\(Project.schema)\".\"\(P.name.description)\"") LIMIT \(literal: paging.per) OFFSET \(literal: paging.offset)"
        let rows = try await db.sql.raw(query).all()
        guard let first = rows.first else {
            // Past the last page (or nothing matches): the total on its own.
            return ([], try await db.sql.raw(total).first()?.decode(column: "n", as: Int.self) ?? 0)
        }
        let count = try first.decode(column: "total", as: Int.self)
        var records = try rows.map(project)
        let index = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($1.id, $0) })
        let milestoneRows = try await db.sql.raw(
            "SELECT \(unsafeRaw: milestoneColumns) FROM \(ident: Milestone.schema) WHERE \(col: M.projectID) IN (\(binds: records.map(\.id)))"
        ).all()
        for row in milestoneRows {
            if let i = index[try row.decode(column: M.projectID.description, as: UUID.self)] {
                records[i].milestones.append(try milestone(row, prefix: ""))
            }
        }
        return (records, count)
    }

    /// The exact number of projects the filter selects in scope: summed from the counts
    /// when only division and industry narrow it, else counted (on a column of an index:
    /// COUNT(id) made SQLite read every row in scope).
    static func totalQuery(_ filter: ProjectFilter, in scope: DivisionScope, conditions: [SQLQueryString]) -> SQLQueryString {
        if !filter.needsRows {
            return ProjectCounts.total(prefixes: [scope.prefix] + (filter.divisionPrefix.map { [$0] } ?? []), industry: filter.industry)
        }
        return "SELECT COUNT(\(ident: Project.schema).\(col: P.divisionCode)) AS \(ident: "n") FROM \(ident: Project.schema) WHERE \(and(conditions))"
    }

    static func and(_ conditions: [SQLQueryString]) -> SQLList {
        SQLList(conditions.map { $0 as any SQLExpression }, separator: SQLRaw(" AND "))
    }

    static let milestoneSelect = [M.stage, M.date, M.roundID].map { "\"m\".\"\($0.description)\" AS \"m_\($0.description)\"" }
        .joined(separator: ", ")
    static let milestoneJoin =
        "\"\(Milestone.schema)\" AS \"m\" ON \"m\".\"\(M.projectID.description)\" = \"\(Project.schema)\".\"\(P.id.description)\""
    static let milestoneColumns = [M.projectID, M.stage, M.date, M.roundID].map { "\"\($0.description)\"" }.joined(separator: ", ")

    static func project(_ row: any SQLRow) throws -> ProjectRecord {
        func text(_ key: FieldKey) throws -> String { try row.decode(column: key.description, as: String.self) }
        return ProjectRecord(
            id: try row.decode(column: P.id.description, as: UUID.self),
            values: ProjectValues(
                name: try text(P.name), investorName: try text(P.investorName), creditCode: try text(P.creditCode),
                divisionCode: try text(P.divisionCode), developmentZone: try text(P.developmentZone), industry: try text(P.industry),
                totalInvestmentFen: try row.decode(column: P.totalInvestmentFen.description, as: Int64.self),
                expectedAnnualOutputFen: try row.decode(column: P.expectedAnnualOutputFen.description, as: Int64.self),
                contactPerson: try text(P.contactPerson), contactPhone: try text(P.contactPhone), notes: try text(P.notes)),
            version: try row.decode(column: P.version.description, as: Int.self), milestones: [])
    }

    static func milestone(_ row: any SQLRow, prefix: String = "m_") throws -> ProjectRecord.MilestoneRecord {
        let raw = try row.decode(column: prefix + M.stage.description, as: String.self)
        guard let stage = Stage(rawValue: raw) else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "stage \(raw)")) }
        return ProjectRecord.MilestoneRecord(
            stage: stage, date: try row.decode(column: prefix + M.date.description, as: String.self),
            roundID: try row.decode(column: prefix + M.roundID.description, as: UUID?.self))
    }
}
