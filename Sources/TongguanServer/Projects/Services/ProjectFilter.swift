import Fluent
import FluentSQL
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The project list's filters, shared by the API, the page and the export.
struct ProjectFilter: Sendable {
    var division: String?
    var industry: String?
    var stage: Stage?
    var roundID: UUID?
    var q: String?
    /// Has a milestone of this stage at `roundID` and/or dated within `from`…`to`: exactly
    /// the projects `ProjectSummary` counts under that stage (unlike `stage`, the furthest).
    var milestoneStage: Stage?
    var from: CivilDate?
    var to: CivilDate?

    init(division: String? = nil, industry: String? = nil, stage: Stage? = nil, roundID: UUID? = nil, q: String? = nil) {
        self.division = division; self.industry = industry; self.stage = stage; self.roundID = roundID; self.q = q
    }

    init(from req: Request) throws {
        var query = QueryReader(req)
        division = query.divisionCode("division")?.rawValue
        industry = query.text("industry", maxLength: 50)
        stage = query.enumeration("stage", Stage.self)
        roundID = query.uuid("round_id", label: "批次编号")
        q = query.text("q")
        milestoneStage = query.enumeration("milestone_stage", Stage.self)
        (from, to) = query.dateRange()
        try query.finish()
    }

    /// Narrows a project query (the pages and the export; the API reads through
    /// `ProjectReads` with the same conditions).
    func apply(to query: QueryBuilder<Project>) -> QueryBuilder<Project> {
        conditions(in: nil).reduce(query) { $0.filter(.sql(embed: $1)) }
    }

    /// True when the list's total must count the rows: anything but division and industry
    /// narrows it (`ProjectCounts` answers those two).
    var needsRows: Bool { q != nil || stage != nil || roundID != nil || milestoneStage != nil || from != nil || to != nil }

    /// The `division` filter as a prefix of division codes.
    var divisionPrefix: String? { division.flatMap(DivisionCode.init).map(\.significantPrefix) }

    /// The filter as SQL conditions on the projects table (all must hold), after the scope's
    /// when one is given. `stage` is the furthest stage reached; `round_id` matches a project
    /// any of whose milestones was announced at that round.
    func conditions(in scope: DivisionScope?) -> [SQLQueryString] {
        typealias P = Project.FieldKeys
        typealias M = Milestone.FieldKeys
        let projectID: SQLQueryString = "\(ident: Project.schema).\(col: P.id)"
        let divisionCode: SQLQueryString = "\(ident: Project.schema).\(col: P.divisionCode)"
        var conditions: [SQLQueryString] = []
        // Prefix matches (LIKE), as `ProjectService.scoped` explains.
        if let scope { conditions.append("\(divisionCode) LIKE \(bind: scope.prefix + "%")") }
        if let divisionPrefix { conditions.append("\(divisionCode) LIKE \(bind: divisionPrefix + "%")") }
        if let industry { conditions.append("\(ident: Project.schema).\(col: P.industry) = \(bind: industry)") }
        if let q {
            conditions.append(
                "(\(TextSearch.contains(Project.schema, P.name.description, q)) OR \(TextSearch.contains(Project.schema, P.investorName.description, q)))"
            )
        }
        if let stage {
            conditions.append(
                "\(projectID) IN (SELECT \(col: M.projectID) FROM \(ident: Milestone.schema) WHERE \(col: M.stage) = \(bind: stage.rawValue))")
            let later = Stage.allCases.filter { $0 > stage }.map(\.rawValue)
            if !later.isEmpty {
                conditions.append(
                    "\(projectID) NOT IN (SELECT \(col: M.projectID) FROM \(ident: Milestone.schema) WHERE \(col: M.stage) IN (\(binds: later)))")
            }
        }
        if let roundID {
            conditions.append(
                "\(projectID) IN (SELECT \(col: M.projectID) FROM \(ident: Milestone.schema) WHERE \(col: M.roundID) = \(bind: roundID))")
        }
        if milestoneStage != nil || from != nil || to != nil {
            // One milestone row must satisfy the stage, the round and the dates together.
            var sub: SQLQueryString =
                "\(projectID) IN (SELECT \(col: M.projectID) FROM \(ident: Milestone.schema) WHERE 1 = 1"
            if let milestoneStage { sub += " AND \(col: M.stage) = \(bind: milestoneStage.rawValue)" }
            if let roundID, milestoneStage != nil { sub += " AND \(col: M.roundID) = \(bind: roundID)" }
            if let from { sub += " AND \(col: M.date) >= \(bind: from.description)" }
            if let to { sub += " AND \(col: M.date) <= \(bind: to.description)" }
            sub += ")"
            conditions.append(sub)
        }
        return conditions
    }
}
