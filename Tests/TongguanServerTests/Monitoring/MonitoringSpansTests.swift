import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The reports read `monitoring_spans`, which the workflow's and the registry's write paths
/// keep. Here random writes through the API — episodes walked to random states, eliminated
/// and reopened, multi-valued risk types, measures, newborn members, members leaving or
/// transferred to another household, households moving village — and then every summary
/// (each `group_by`, division, phase, as of random days), the flow and the
/// `monitoring.summary` series are compared with figures recomputed here from the records
/// themselves (steps, episodes, households, members), never from the spans. Warnings are
/// raised on some households before they move, so the warnings' copy of the village
/// (`WarningVillages`) is checked against the households too, and the flow's and the list's
/// warning counts against the records.
@Suite struct MonitoringSpansTests {
    typealias W = WorkflowFixture
    typealias F = RegistryFixture
    typealias Random = StageFactTests.Random

    static let villages = [F.linVillage, F.linVillage2, F.xingVillage, F.lishiVillage]

    /// What the records say, read once after the writes.
    struct Records {
        var steps: [StepRecord]
        var episodes: [UUID: EpisodeRecord]
        var households: [UUID: Household]
        var members: [Member]
        var measures: [MeasureRecord]
        var warnings: [WarningRecord]

        init(on db: any Database) async throws {
            steps = try await StepRecord.query(on: db).all()
            episodes = Dictionary(uniqueKeysWithValues: try await EpisodeRecord.query(on: db).all().map { ($0.id!, $0) })
            households = Dictionary(uniqueKeysWithValues: try await Household.query(on: db).all().map { ($0.id!, $0) })
            members = try await Member.query(on: db).all()
            measures = try await MeasureRecord.query(on: db).all()
            warnings = try await WarningRecord.query(on: db).all()
        }

        /// Warnings of households now in the division, raised (or resolved) in the month.
        func warnings(month: String, division: String, resolved: Bool) -> Int {
            let prefix = DivisionCode(division)!.significantPrefix
            return warnings.filter { w in
                let day = resolved ? (w.status == WarningStatus.resolved.rawValue ? w.closedOn : nil) : w.raisedOn
                return day?.hasPrefix(month) == true && households[w.householdID]!.divisionCode.hasPrefix(prefix)
            }.count
        }

        func present(_ household: UUID, on day: String) -> Int {
            members.filter { $0.householdID == household && $0.birthDate <= day && ($0.leftOn == nil || $0.leftOn! >= day) }.count
        }

        /// Households (and their present members) per group as of the day.
        func summary(on day: String, division: String, groupBy: String, phase: EpisodePhase?) -> [String: (Int, Int)] {
            let phases = phase ?? (groupBy == "state" ? nil : .monitoring)
            let prefix = DivisionCode(division)!.significantPrefix
            var out: [String: (Int, Int)] = [:]
            for (id, home) in households where home.divisionCode.hasPrefix(prefix) {
                let inForce = steps.filter { $0.householdID == id && $0.date <= day && day < $0.nextDate }
                guard let step = inForce.first, let episode = episodes[step.episodeID] else { continue }
                if let phases, !phases.states.map(\.rawValue).contains(step.toState) { continue }
                let identified = episode.identifiedOn.map { $0 <= day } ?? false
                let keys: [String]
                switch groupBy {
                case "state": keys = [step.toState]
                case "category": keys = identified ? [episode.category ?? ""] : []
                case "risk_type": keys = identified ? episode.riskTypeList.map(\.rawValue) : []
                default:
                    let digits = MonitoringReports.childDigits(of: DivisionCode(division)!)!
                    keys = [MonitoringReports.childCode(String(home.divisionCode.prefix(digits)))]
                }
                for key in keys {
                    let old = out[key] ?? (0, 0)
                    out[key] = (old.0 + 1, old.1 + present(id, on: day))
                }
            }
            return out
        }

        /// Episodes approved (or eliminated) in the month, in the division.
        func flow(month: String, division: String, eliminated: Bool) -> Int {
            let prefix = DivisionCode(division)!.significantPrefix
            return episodes.values.filter { e in
                let day = eliminated ? (e.state == EpisodeState.riskEliminated.rawValue ? e.closedOn : nil) : e.identifiedOn
                return day?.hasPrefix(month) == true && households[e.householdID]!.divisionCode.hasPrefix(prefix)
            }.count
        }
    }

    /// Random writes; answers how many of each kind were accepted.
    static func write(_ t: TestApp, token: String, seed: UInt64) async throws -> [String: Int] {
        var random = Random(state: seed)
        var done: [String: Int] = [:]
        for (year, yuan) in [(2023, Int64(8000)), (2024, 8500), (2025, 9000)] { try await W.setLine(t, token: token, year: year, yuan: yuan) }
        var codes: [String] = []
        var villageOf: [String: String] = [:]
        var warned: Set<String> = []
        for n in 1...8 {
            let village = random.pick(villages)
            let address = String(village.prefix(6))
            let others = (0..<Int.random(in: 0...2, using: &random)).map { i in
                F.member(F.id(100 + n * 10 + i, address: address, born: 1960 + Int.random(in: 0...45, using: &random)), name: "成员\(n)\(i)")
            }
            codes.append(try await W.household(t, token: token, n: n, village: village, members: others))
            villageOf[codes.last!] = village
        }
        // Warnings before the households move: an income below the line in 2023.
        for code in codes where random.chance(0.6) {
            let assessed = CivilDate(iso: "2023-01-02")!.adding(days: Int.random(in: 0..<300, using: &random))
            try await W.assess(t, token: token, code: code, W.assessment(assessed.description, wagesYuan: 500))
            done["assessed", default: 0] += 1
            warned.insert(code)
        }
        func members(_ code: String) async throws -> [[String: Any]] {
            try #require(try await t.request(.GET, "/api/v1/households/\(code)", token: token).json()["members"] as? [[String: Any]])
        }
        func post(
            _ kind: String, _ path: String, _ body: [String: any Sendable], method: HTTPMethod = .POST, headers: HTTPHeaders = [:]
        ) async throws -> [String: Any]? {
            let res = try await t.request(method, path, token: token, json: body, headers: headers)
            guard res.status == .ok || res.status == .created else { return nil }
            done[kind, default: 0] += 1
            return try res.json()
        }
        func day(_ d: CivilDate) -> String { d.description }
        func registryWrite() async throws {
            let code = random.pick(codes)
            let others = try await members(code).filter { $0["relation"] as? String != "head" && $0["status"] as? String == "present" }
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                let born = CivilDate(iso: "2023-01-01")!.adding(days: Int.random(in: 0..<1000, using: &random))
                let birth = day(born).replacingOccurrences(of: "-", with: "")
                var child = F.member(F.residentID("141124", birth, Int.random(in: 1..<999, using: &random)), name: "新生儿")
                child["labour_capacity"] = "none"
                _ = try await post("born", "/api/v1/households/\(code)/members", child)
            case 1:
                guard let m = others.first else { return }
                let left = CivilDate(iso: "2023-01-01")!.adding(days: Int.random(in: 0..<1000, using: &random))
                _ = try await post("left", "/api/v1/members/\(m["id"] as! String)/leave", ["reason": "moved_out", "date": day(left)])
            case 2:
                guard let m = others.last else { return }
                let target = random.pick(codes.filter { $0 != code })
                _ = try await post(
                    "transferred", "/api/v1/members/\(m["id"] as! String)/transfer", ["to_household_code": target, "relation": "other"])
            default:
                let village = random.pick(villages.filter { $0 != villageOf[code] })
                let move = try await post(
                    "moved", "/api/v1/households/\(code)", ["division_code": village], method: .PATCH, headers: ["If-Match": "*"])
                if move != nil {
                    villageOf[code] = village
                    if warned.contains(code) { done["moved with warnings", default: 0] += 1 }
                }
            }
        }
        for code in codes {
            if random.chance(0.5) { try await registryWrite() }
            var start = CivilDate(iso: "2023-01-02")!.adding(days: Int.random(in: 0..<200, using: &random))
            for _ in 0..<2 {
                guard
                    let opened = try await post(
                        "opened", "/api/v1/households/\(code)/episodes", ["channel": "grassroots_screening", "date": day(start)])
                else { break }
                let id = opened["id"] as! String
                func step(_ body: [String: any Sendable]) async throws -> Bool {
                    try await post("step", "/api/v1/episodes/\(id)/steps", body) != nil
                }
                let stop = Int.random(in: 0..<7, using: &random)
                if stop == 0 { break }
                if stop == 1 {
                    _ = try await step(["step": "reject", "date": day(start.adding(days: 3)), "reason": "收入稳定"])
                    break
                }
                guard try await step(["step": "visit", "date": day(start.adding(days: 1)), "consent": true]) else { break }
                if stop == 2 { break }
                _ = try await step(["step": "notice", "date": day(start.adding(days: 2))])
                _ = try await step(["step": "township_check", "date": day(start.adding(days: 8))])
                if stop == 3 { break }
                let approved = start.adding(days: 12)
                let risks = Array(MonitoringRiskType.allCases.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)))
                guard
                    try await step([
                        "step": "approve", "date": day(approved), "category": random.pick(MonitoringCategory.allCases).rawValue,
                        "risk_types": risks.map(\.rawValue),
                    ])
                else { break }
                if random.chance(0.7) {
                    _ = try await post(
                        "measure", "/api/v1/episodes/\(id)/measures",
                        [
                            "type": "employment", "description": "公益岗位", "unit": "镇政府", "person": "李干部",
                            "start": day(approved.adding(days: Int.random(in: 1..<60, using: &random))),
                        ])
                }
                if random.chance(0.5) { try await registryWrite() }
                if stop <= 4 { break }
                let proposed = approved.adding(months: 6)
                try await W.assess(t, token: token, code: code, W.assessment(day(proposed.adding(days: -5)), wagesYuan: 60000))
                guard try await step(["step": "propose_elimination", "date": day(proposed)]) else { break }
                _ = try await step(["step": "elimination_notice", "date": day(proposed.adding(days: 1))])
                guard try await step(["step": "eliminate", "date": day(proposed.adding(days: 7))]) else { break }
                start = proposed.adding(days: 7 + Int.random(in: 20..<200, using: &random))
            }
            if random.chance(0.5) { try await registryWrite() }
        }
        for _ in 0..<6 { try await registryWrite() }
        return done
    }

    static let days: [String] = {
        var random = Random(state: 7)
        return ["2023-01-01", "2026-11-01"]
            + (0..<8).map { _ in CivilDate(iso: "2023-01-01")!.adding(days: Int.random(in: 0..<1100, using: &random)).description }
    }()

    @Test(arguments: [UInt64(1), 2])
    func summaryAndFlowEqualTheRecordsAfterRandomWrites(seed: UInt64) async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let done = try await Self.write(t, token: token, seed: seed)
            // The writes that exercise the spans' upkeep did happen.
            for kind in ["opened", "step", "measure", "assessed", "moved", "moved with warnings"] {
                #expect(done[kind, default: 0] > 0, "\(kind) \(done)")
            }
            #expect(done["born", default: 0] + done["left", default: 0] + done["transferred", default: 0] + done["moved", default: 0] > 2, "\(done)")
            let records = try await Records(on: t.db)
            #expect(records.episodes.values.contains { $0.riskTypeList.count > 1 })
            #expect(!records.warnings.isEmpty && records.warnings.contains { $0.status == WarningStatus.resolved.rawValue })
            for w in records.warnings {
                #expect(w.divisionCode == records.households[w.householdID]!.divisionCode, "seed \(seed) warning \(w.id!)")
            }
            for day in Self.days {
                for division in ["141100", "141124", "141124100", "141123", "141102"] {
                    for groupBy in ["state", "category", "risk_type", "division"] {
                        for phase in [nil, EpisodePhase.closed] {
                            let query = "date=\(day)&division=\(division)&group_by=\(groupBy)" + (phase.map { "&phase=\($0.rawValue)" } ?? "")
                            let rows = try await MonitoringReportsTests.summary(t, token: token, query)
                            let want = records.summary(on: day, division: division, groupBy: groupBy, phase: phase)
                            for (group, row) in rows {
                                let w = want[group] ?? (0, 0)
                                #expect(row["households"] as? Int == w.0 && row["members"] as? Int == w.1, "seed \(seed) \(query) \(group)")
                            }
                            for group in want.keys { #expect(rows[group] != nil, "seed \(seed) \(query) lacks \(group)") }
                        }
                    }
                }
            }
            for division in ["141100", "141124", "141124100", "141123"] {
                // Up to today: warnings closed automatically are closed today.
                let res = try await t.request(.GET, "/api/v1/monitoring/flow?from=2023-01-01&division=\(division)", token: token)
                for row in try #require(try res.json()["rows"] as? [[String: Any]]) {
                    let month = row["month"] as! String
                    #expect(row["identified"] as? Int == records.flow(month: month, division: division, eliminated: false), "\(division) \(month)")
                    #expect(row["eliminated"] as? Int == records.flow(month: month, division: division, eliminated: true), "\(division) \(month)")
                    #expect(
                        row["warnings_raised"] as? Int == records.warnings(month: month, division: division, resolved: false), "\(division) \(month)")
                    #expect(
                        row["warnings_resolved"] as? Int == records.warnings(month: month, division: division, resolved: true), "\(division) \(month)"
                    )
                }
                let list = try await t.request(.GET, "/api/v1/monitoring/warnings?division=\(division)&per=1", token: token)
                let prefix = DivisionCode(division)!.significantPrefix
                let want = records.warnings.filter { records.households[$0.householdID]!.divisionCode.hasPrefix(prefix) }.count
                #expect((try list.json()["metadata"] as? [String: Any])?["total"] as? Int == want, "\(division) warnings")
            }
        }
    }

    /// `monitoring.summary`'s series: each period's figure equals the records' and what
    /// `evaluate` answers for that period alone.
    @Test func indicatorSeriesEqualsTheRecordsAndEachPeriod() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            _ = try await Self.write(t, token: token, seed: 3)
            let records = try await Records(on: t.db)
            let months = (0..<30).map { Period.month(year: 2023 + $0 / 12, month: 1 + $0 % 12)! }
            let kind = MonitoringIndicatorQueries.summary
            let scope = DivisionScope(DivisionCode("141100")!)
            for division in ["141100", "141124"] {
                for measure in MonitoringIndicatorQueries.Measure.allCases {
                    let values = try await IndicatorSeriesTests.expectSeriesEqualsLoop(
                        kind, ["measure": measure.rawValue], periods: months, division: DivisionCode(division)!, scope: scope, on: t.db,
                        "monitoring.summary")
                    for (period, value) in zip(months, values) {
                        let month = String(period.start.description.prefix(7))
                        let expected: Int
                        switch measure {
                        case .households, .members:
                            let phases = records.summary(on: period.end.description, division: division, groupBy: "state", phase: .monitoring)
                            expected = phases.values.reduce(0) { $0 + (measure == .households ? $1.0 : $1.1) }
                        case .identified: expected = records.flow(month: month, division: division, eliminated: false)
                        case .eliminated: expected = records.flow(month: month, division: division, eliminated: true)
                        case .warningsRaised:
                            let warnings = try await WarningRecord.query(on: t.db).all()
                            expected =
                                warnings.filter {
                                    $0.raisedOn.hasPrefix(month)
                                        && records.households[$0.householdID]!.divisionCode.hasPrefix(DivisionCode(division)!.significantPrefix)
                                }.count
                        }
                        #expect(value == ExactDecimal(expected), "\(division) \(measure) \(month)")
                    }
                }
            }
        }
    }
}
