import Fluent
import Foundation
import TongguanDomain

/// The project sheet for download: the same columns the importer reads, so an exported
/// file re-imports to the same data.
enum ProjectExport {
    static func rows(filter: ProjectFilter, scope: DivisionScope, on db: any Database) async throws -> [[String]] {
        let roundNames = Dictionary(try await Round.query(on: db).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let projects = try await filter.apply(to: ProjectService.scoped(scope, on: db))
            .sort(\.$divisionCode).sort(\.$name).with(\.$milestones).all()
        var rows = [ProjectSheet.Column.allCases.map(\.rawValue)]
        rows.reserveCapacity(projects.count + 1)
        for p in projects {
            var milestones: [Stage: (date: CivilDate, round: String?)] = [:]
            for m in p.milestones {
                if let date = m.civilDate { milestones[m.stage] = (date, m.$round.id.flatMap { roundNames[$0] }) }
            }
            rows.append(
                ProjectSheet.exportRow(
                    name: p.name, investor: p.investorName, creditCode: p.creditCode, division: p.divisionCode,
                    zone: p.developmentZone, industry: p.industry, totalInvestmentFen: p.totalInvestmentFen,
                    expectedOutputFen: p.expectedAnnualOutputFen, milestones: milestones, contact: p.contactPerson,
                    phone: p.contactPhone, notes: p.notes))
        }
        return rows
    }
}
