import Foundation
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

/// 项目's share of the scope matrix: rounds and projects in each place.
extension ScopeMatrixTests {
    static let projects = Part(
        cases: [
            Case(method: .GET, path: "/api/v1/rounds", make: { _, _ in ("/api/v1/rounds", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/rounds",
                make: { f, place in ("/api/v1/rounds", ["name": "批次\(f.freshName())", "date": "2021-07-16", "division_code": divisionOf[place]!]) },
                expected: editorsOnly(success: .created, outside: .unprocessableEntity)),
            // A county sees the city's rounds (its projects are announced there) but cannot change them.
            Case(
                method: .GET, path: "/api/v1/rounds/:id", make: { f, place in ("/api/v1/rounds/\(f.id("round", place))", nil) },
                expected: { _, place in place == .otherCounty ? .notFound : .ok }),
            Case(
                method: .PATCH, path: "/api/v1/rounds/:id", make: { f, place in ("/api/v1/rounds/\(f.id("round", place))", ["venue": "开发区"]) },
                expected: editorsOnly(success: .ok, city: .forbidden)),
            Case(
                method: .GET, path: "/api/v1/projects", make: { _, place in ("/api/v1/projects?division=\(divisionOf[place]!)", nil) },
                expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/projects",
                make: { f, place in
                    (
                        "/api/v1/projects",
                        [
                            "name": "项目\(f.freshName())", "investor_name": "测试公司", "credit_code": "91350100M000100Y43",
                            "division_code": divisionOf[place]!, "industry": "白酒",
                            "total_investment_fen": 100, "expected_annual_output_fen": 0,
                        ]
                    )
                },
                expected: editorsOnly(success: .created, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/projects/summary",
                make: { _, place in ("/api/v1/projects/summary?group_by=division&division=\(divisionOf[place]!)", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .GET, path: "/api/v1/projects/:id", make: { f, place in ("/api/v1/projects/\(f.id("project", place))", nil) },
                expected: readable),
            Case(
                method: .PATCH, path: "/api/v1/projects/:id", make: { f, place in ("/api/v1/projects/\(f.id("project", place))", ["notes": "改"]) },
                expected: editorsOnly(success: .ok)),
            Case(
                method: .PUT, path: "/api/v1/projects/:id/milestones/:stage",
                make: { f, place in ("/api/v1/projects/\(f.id("project", place))/milestones/started", ["date": "2021-08-01"]) },
                expected: editorsOnly(success: .ok)),
            Case(
                method: .DELETE, path: "/api/v1/projects/:id/milestones/:stage",
                make: { f, place in ("/api/v1/projects/\(f.id("project", place))/milestones/started", nil) },
                expected: editorsOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/projects/import",
                make: { f, place in
                    (
                        "/api/v1/projects/import",
                        [
                            "__raw": ProjectSheet.Column.allCases.map(\.rawValue).joined(separator: ",") + "\n"
                                + "导入\(f.freshName()),公司,91350100M000100Y43,\(divisionOf[place]!),,白酒,100,0,2021-07-16,,,,,,,,\n"
                        ]
                    )
                },
                expected: editorsOnly(success: .ok, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/projects/export", make: { _, place in ("/api/v1/projects/export?division=\(divisionOf[place]!)", nil) },
                expected: { _, _ in .ok }),
            Case(
                method: .DELETE, path: "/api/v1/projects/:id", make: { f, place in ("/api/v1/projects/\(f.id("project", place))", nil) },
                expected: editorsOnly(success: .noContent)),
            Case(
                method: .DELETE, path: "/api/v1/rounds/:id", make: { f, place in ("/api/v1/rounds/\(f.id("round", place))", nil) },
                expected: editorsOnly(success: .noContent, city: .forbidden)),
        ],
        setUp: { t, fixture in
            let actor = AuditActor(name: "test", requestID: "t", clientAddress: "local")
            // Projects sit in counties: the "city" target is a project in 离石区, also outside 临县.
            let projectPlaces: [Place: String] = [.sameCounty: "141124", .otherCounty: "141123", .city: "141102"]
            for place in Place.allCases {
                let round = Round(name: "批次-\(place.rawValue)", date: "2021-07-16", venue: nil, divisionCode: divisionOf[place]!)
                try await round.create(on: t.db)
                fixture.ids["round", default: [:]][place] = round.id!.uuidString
                var fields = ProjectFields()
                fields.name = "项目-\(place.rawValue)"; fields.investorName = "公司"; fields.creditCode = "91350100M000100Y43"
                fields.divisionCode = DivisionCode(projectPlaces[place]!); fields.industry = "白酒"
                fields.totalInvestmentFen = 1_000_000; fields.expectedAnnualOutputFen = 0
                let project = try await ProjectService.create(
                    fields, milestones: [.init(stage: .signed, date: CivilDate(iso: "2021-07-01")!, roundID: nil)],
                    actor: actor, on: t.db)
                fixture.ids["project", default: [:]][place] = project.id!.uuidString
            }
        })
}
