import Foundation
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

/// 监测 workflow's share of the scope matrix. In each place: a household with an assessment
/// below the line (so an open `below_line` warning), a candidate episode with one measure,
/// and a second household without an episode to open one for. Lines and settings are data of
/// a division prefix: a county admin may set its own county's, not its neighbour's nor the
/// city's (422 on `division_code`, as create routes answer out of scope).
extension ScopeMatrixTests {
    static func workflowAdminOrField(success: HTTPResponseStatus) -> @Sendable (Role, Place) -> HTTPResponseStatus {
        { role, place in role != .admin ? .forbidden : (place == .sameCounty ? success : .unprocessableEntity) }
    }

    static let monitoringWorkflow = Part(
        cases: [
            Case(method: .GET, path: "/api/v1/monitoring/lines", make: { _, _ in ("/api/v1/monitoring/lines", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .PUT, path: "/api/v1/monitoring/lines",
                make: { _, place in ("/api/v1/monitoring/lines", ["division_code": addressOf[place]!, "year": 2023, "line_fen": 800_000]) },
                expected: workflowAdminOrField(success: .ok)),
            Case(
                method: .GET, path: "/api/v1/monitoring/settings", make: { _, _ in ("/api/v1/monitoring/settings", nil) },
                expected: { _, _ in .ok }),
            Case(
                method: .PUT, path: "/api/v1/monitoring/settings",
                make: { _, place in ("/api/v1/monitoring/settings", ["division_code": addressOf[place]!, "notice_period_days": 7]) },
                expected: workflowAdminOrField(success: .ok)),
            Case(
                method: .GET, path: "/api/v1/households/:code/assessments",
                make: { f, place in ("/api/v1/households/\(f.id("wf-household", place))/assessments", nil) }, expected: readable),
            Case(
                method: .POST, path: "/api/v1/households/:code/assessments",
                make: { f, place in
                    (
                        "/api/v1/households/\(f.id("wf-household", place))/assessments",
                        [
                            "assessed_on": "2024-03-01", "wages_fen": 2_000_000, "business_fen": 0, "property_fen": 0, "transfer_fen": 0,
                            "production_costs_fen": 0, "medical_fen": 0, "education_fen": 0, "housing_safe": true, "water_safe": true,
                        ]
                    )
                },
                expected: editorsOnly(success: .created)),
            Case(
                method: .POST, path: "/api/v1/assessments/import",
                make: { f, place in
                    let row = [f.id("wf-head", place), "2024-02-01", "2000", "0", "0", "0", "0", "0", "0", "是", "是"]
                    return (
                        "/api/v1/assessments/import",
                        ["__raw": AssessmentSheet.header.joined(separator: ",") + "\n" + row.joined(separator: ",") + "\n"]
                    )
                },
                expected: editorsOnly(success: .ok, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/monitoring/warnings",
                make: { _, place in ("/api/v1/monitoring/warnings?division=\(addressOf[place]!)", nil) },
                expected: { _, _ in .ok }),
            Case(
                method: .GET, path: "/api/v1/monitoring/warnings/:id",
                make: { f, place in ("/api/v1/monitoring/warnings/\(f.id("wf-warning", place))", nil) }, expected: readable),
            Case(
                method: .POST, path: "/api/v1/monitoring/warnings/:id/resolve",
                make: { f, place in ("/api/v1/monitoring/warnings/\(f.id("wf-warning", place))/resolve", ["note": "已核实"]) },
                expected: editorsOnly(success: .ok)),
            Case(method: .GET, path: "/api/v1/monitoring/rules", make: { _, _ in ("/api/v1/monitoring/rules", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/monitoring/scan", make: { _, _ in ("/api/v1/monitoring/scan", nil) },
                expected: { role, _ in role == .admin ? .ok : .forbidden }),
            Case(
                method: .POST, path: "/api/v1/households/:code/episodes",
                make: { f, place in
                    ("/api/v1/households/\(f.id("wf-fresh", place))/episodes", ["channel": "self_application", "date": "2024-07-01"])
                },
                expected: editorsOnly(success: .created)),
            Case(
                method: .GET, path: "/api/v1/episodes", make: { _, place in ("/api/v1/episodes?division=\(addressOf[place]!)", nil) },
                expected: { _, _ in .ok }),
            Case(
                method: .GET, path: "/api/v1/episodes/:id", make: { f, place in ("/api/v1/episodes/\(f.id("wf-episode", place))", nil) },
                expected: readable),
            Case(
                method: .POST, path: "/api/v1/episodes/:id/steps",
                make: { f, place in
                    ("/api/v1/episodes/\(f.id("wf-episode", place))/steps", ["step": "visit", "date": "2024-07-02", "consent": true])
                },
                expected: editorsOnly(success: .ok)),
            Case(
                method: .GET, path: "/api/v1/episodes/:id/measures",
                make: { f, place in ("/api/v1/episodes/\(f.id("wf-episode", place))/measures", nil) }, expected: readable),
            Case(
                method: .POST, path: "/api/v1/episodes/:id/measures",
                make: { f, place in
                    (
                        "/api/v1/episodes/\(f.id("wf-episode", place))/measures",
                        ["type": "medical", "description": "医疗救助", "unit": "县医保局", "person": "张医生", "start": "2024-07-03"]
                    )
                },
                expected: editorsOnly(success: .created)),
            Case(
                method: .POST, path: "/api/v1/episodes/:id/measures/:measure/end",
                make: { f, place in
                    ("/api/v1/episodes/\(f.id("wf-episode", place))/measures/\(f.id("wf-measure", place))/end", ["end": "2024-12-31"])
                },
                expected: editorsOnly(success: .ok)),
        ],
        setUp: { t, fixture in
            let ring = try t.app.registryKeys
            let actor = AuditActor(name: "test", requestID: "t", clientAddress: "local")
            let today = RegistryFinder.today()
            try await MonitoringConfig.setLine(
                MonitoringLine(division: DivisionCode("140000")!, year: 2024, lineFen: 850_000), actor: actor, on: t.db)
            let city = Caller(userID: UUID(), username: "test", role: .admin, scope: DivisionScope(DivisionCode("141100")!))
            func household(_ n: Int, _ place: Place) async throws -> Household {
                let head = try RegistryForms.member(
                    .init(
                        name: "户主\(n)", residentID: RegistryFixture.id(n, address: addressOf[place]!), relation: "head", labourCapacity: "full",
                        disability: false, chronicIllness: false, schoolStage: "none", workStatus: "farming", basicMedicalInsurance: true),
                    today: today)
                return try await RegistryService.createHousehold(
                    try RegistryForms.household(divisionCode: villageOf[place]!, address: nil, phone: nil), head: head, ring: ring, actor: actor,
                    on: t.db)
            }
            for place in Place.allCases {
                let base = 300 + placeNumber[place]! * 20
                let h = try await household(base, place)
                fixture.ids["wf-household", default: [:]][place] = h.code
                fixture.ids["wf-head", default: [:]][place] = RegistryFixture.id(base, address: addressOf[place]!)
                fixture.ids["wf-fresh", default: [:]][place] = try await household(base + 1, place).code
                let recorded = try await AssessmentService.record(
                    .init(
                        assessedOn: CivilDate(iso: "2024-06-01")!, figures: IncomeFigures(wagesFen: 500_000), housingSafe: true, waterSafe: true,
                        assessedBy: "test"), household: h, ring: ring, actor: actor, on: t.db)
                fixture.ids["wf-warning", default: [:]][place] = try #require(recorded.warnings.first?.id).uuidString
                let episode = try await EpisodeService.open(
                    household: h, channel: .grassrootsScreening, on: CivilDate(iso: "2024-07-01")!, warningIDs: [], note: "", caller: city,
                    actor: actor, on: t.db)
                fixture.ids["wf-episode", default: [:]][place] = episode.id!.uuidString
                let measure = try AssistanceMeasure(
                    type: .industry, description: "发放种苗", unit: "县农业农村局", person: "王干部", startOn: CivilDate(iso: "2024-07-01")!, today: today)
                let added = try await EpisodeService.addMeasure(measure, to: episode, household: h, actor: actor, on: t.db)
                fixture.ids["wf-measure", default: [:]][place] = added.id!.uuidString
            }
        })
}
