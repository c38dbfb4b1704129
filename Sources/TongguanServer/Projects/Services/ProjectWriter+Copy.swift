import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import TongguanDomain

/// PostgreSQL's side of `ProjectWriter.create`: the checked rows stream into a staging table
/// with `COPY … FROM STDIN` (one round trip for thousands of rows), then set-based INSERTs
/// move them into the projects, milestones and stage facts, where every constraint and
/// foreign key checks them again.
extension ProjectWriter {
    /// The staging table: one row per new project, its milestones in columns. Temporary, and
    /// gone at the end of the transaction.
    static let staging = "project_import_rows"

    enum StagingKeys {
        static let signedDate: FieldKey = "signed_date"
        static let signedRound: FieldKey = "signed_round"
        static let startedDate: FieldKey = "started_date"
        static let startedRound: FieldKey = "started_round"
        static let producingDate: FieldKey = "producing_date"
        static let producingRound: FieldKey = "producing_round"
        static let signedID: FieldKey = "signed_id"
        static let startedID: FieldKey = "started_id"
        static let producingID: FieldKey = "producing_id"

        static func id(_ stage: Stage) -> FieldKey {
            switch stage {
            case .signed: signedID
            case .started: startedID
            case .producing: producingID
            }
        }

        static func date(_ stage: Stage) -> FieldKey {
            switch stage {
            case .signed: signedDate
            case .started: startedDate
            case .producing: producingDate
            }
        }

        static func round(_ stage: Stage) -> FieldKey {
            switch stage {
            case .signed: signedRound
            case .started: startedRound
            case .producing: producingRound
            }
        }
    }

    /// The project columns the staging table shares with `projects`, in COPY order.
    static let stagedProjectColumns: [FieldKey] = {
        typealias P = Project.FieldKeys
        return [
            P.id, P.name, P.investorName, P.creditCode, P.divisionCode, P.developmentZone, P.industry, P.totalInvestmentFen,
            P.expectedAnnualOutputFen, P.contactPerson, P.contactPhone, P.notes,
        ]
    }()

    static var stagedColumns: [FieldKey] {
        stagedProjectColumns + Stage.allCases.flatMap { [StagingKeys.date($0), StagingKeys.round($0), StagingKeys.id($0)] }
    }

    /// The connection of the transaction, when it is PostgreSQL's.
    var postgres: (any PostgresDatabase)? {
        guard !tx.sql.isSQLite else { return nil }
        return tx as? any PostgresDatabase
    }

    /// Writes a batch of new projects (their audit events are the caller's).
    func copyInsert(_ projects: ArraySlice<NewProject>, into pg: any PostgresDatabase) async throws {
        typealias P = Project.FieldKeys
        typealias M = Milestone.FieldKeys
        typealias S = StagingKeys
        let sql = tx.sql
        try await sql.raw(
            """
            CREATE TEMPORARY TABLE IF NOT EXISTS \(ident: Self.staging) (
                \(col: P.id) uuid NOT NULL, \(col: P.name) text NOT NULL, \(col: P.investorName) text NOT NULL,
                \(col: P.creditCode) text NOT NULL, \(col: P.divisionCode) text NOT NULL, \(col: P.developmentZone) text NOT NULL,
                \(col: P.industry) text NOT NULL, \(col: P.totalInvestmentFen) bigint NOT NULL,
                \(col: P.expectedAnnualOutputFen) bigint NOT NULL, \(col: P.contactPerson) text NOT NULL,
                \(col: P.contactPhone) text NOT NULL, \(col: P.notes) text NOT NULL,
                \(col: S.signedDate) text, \(col: S.signedRound) uuid, \(col: S.signedID) uuid,
                \(col: S.startedDate) text, \(col: S.startedRound) uuid, \(col: S.startedID) uuid,
                \(col: S.producingDate) text, \(col: S.producingRound) uuid, \(col: S.producingID) uuid
            ) ON COMMIT DROP
            """
        ).run()

        var buffer = ByteBufferAllocator().buffer(capacity: projects.count * 320)
        for p in projects {
            let v = p.values
            CopyText.append(p.id, to: &buffer)
            for text in [v.name, v.investorName, v.creditCode, v.divisionCode, v.developmentZone, v.industry] {
                CopyText.append(text, to: &buffer)
            }
            CopyText.append(v.totalInvestmentFen, to: &buffer)
            CopyText.append(v.expectedAnnualOutputFen, to: &buffer)
            for text in [v.contactPerson, v.contactPhone, v.notes] { CopyText.append(text, to: &buffer) }
            for stage in Stage.allCases {
                let m = p.milestones[stage]
                CopyText.append(m?.date.description, to: &buffer)
                CopyText.append(m?.roundID, to: &buffer)
                CopyText.append(m.map { _ in p.milestoneIDs[stage] ?? UUID() }, to: &buffer)
            }
            CopyText.endRow(&buffer)
        }
        try await CopyText.copy(buffer, into: Self.staging, columns: Self.stagedColumns.map(\.description), on: pg)

        // Set-based from here: the database moves the staged rows into place.
        let projectColumns: SQLQueryString = "\(idents: Self.stagedProjectColumns.map(\.description), joinedBy: ", ")"
        try await sql.raw(
            """
            INSERT INTO \(ident: Project.schema) (\(projectColumns), \(col: P.version), \(col: P.createdAt), \(col: P.updatedAt))
            SELECT \(projectColumns), 1, now(), now() FROM \(ident: Self.staging) ORDER BY \(col: P.id)
            """
        ).run()
        try await ProjectCounts.apply(.add, projects: "\(col: P.id) IN (SELECT \(col: P.id) FROM \(ident: Self.staging))", on: tx)
        var milestones: [SQLQueryString] = []
        var facts: [SQLQueryString] = []
        for stage in Stage.allCases {
            let date = S.date(stage), round = S.round(stage)
            milestones.append(
                """
                SELECT \(col: S.id(stage)) AS \(ident: M.id.description), \(col: P.id), \(bind: stage.rawValue), \(col: date), \(col: round)
                FROM \(ident: Self.staging) WHERE \(col: date) IS NOT NULL
                """)
            facts.append(
                """
                SELECT \(col: P.id), \(bind: stage.rawValue), \(col: date), \(col: round), \(col: P.divisionCode),
                       SUBSTR(\(col: P.divisionCode), 1, 6), \(col: P.industry), \(col: P.totalInvestmentFen), \(col: P.expectedAnnualOutputFen)
                FROM \(ident: Self.staging) WHERE \(col: date) IS NOT NULL
                """)
        }
        try await sql.raw(
            """
            INSERT INTO \(ident: Milestone.schema) (\(idents: [M.id, M.projectID, M.stage, M.date, M.roundID].map(\.description), joinedBy: ", "))
            \(milestones.joined(separator: " UNION ALL ")) ORDER BY 1
            """
        ).run()
        try await sql.raw(
            "INSERT INTO \(ident: StageFact.schema) (\(StageFact.columnList)) \(facts.joined(separator: " UNION ALL ")) ORDER BY 1, 2"
        ).run()
        try await StageRollup.apply(
            .add, projects: "\(col: StageFact.FieldKeys.projectID) IN (SELECT \(col: P.id) FROM \(ident: Self.staging))", on: tx)
        try await sql.raw("TRUNCATE \(ident: Self.staging)").run()
    }
}
