import Fluent
import Foundation
import TongguanDomain

/// `serve --demo` for the workflow, on top of the registry's demo households: demo lines for
/// last year and this year, assessments (with the warnings they raise), and episodes in every
/// state, all through the services (so every guard holds and every step is audited). Dates
/// count back from today, so the demo stays valid whenever it is loaded.
enum WorkflowDemo {
    /// Demo values of the province's line (not official figures), in 元.
    static let demoLineYuan: Int64 = 7_500

    static func load(_ demo: DemoContext, today: CivilDate = RegistryFinder.today()) async throws -> String? {
        let db = demo.db
        if try await EpisodeRecord.query(on: db).first() != nil { return "已有监测记录,未再载入演示监测数据。" }
        let households = try await Household.query(on: db).filter(\.$divisionCode ~~ RegistryPart.demoVillages).sort(\.$code).range(0..<60).all()
            .filter(\.isActive)
        guard households.count >= 12 else { return nil }
        let province = DivisionCode("140000")!
        let existing = try await MonitoringConfig.lines(on: db)
        for year in [today.year - 1, today.year] where existing.line(for: households[0].division, year: year) == nil {
            try await MonitoringConfig.setLine(MonitoringLine(division: province, year: year, lineFen: demoLineYuan * 100), actor: demo.actor, on: db)
        }
        let ring = try demo.app.dataKeys
        let config = try await MonitoringConfig.load(on: db)
        let caller = Caller(userID: UUID(), username: demo.actor.name, role: .admin, scope: demo.scope)

        func members(_ h: Household) async throws -> [AssessedMember] { try await RegistryReads.assessedMembers(of: h, ring: nil, on: db) }
        /// Wages giving `perCapitaFactor`‰ of the line per present member.
        func assess(
            _ h: Household, on date: CivilDate, permille: Int64, housingSafe: Bool = true, medicalYuan: Int64 = 0
        ) async throws
            -> AssessmentService.Recorded
        {
            let count = Int64(max(1, try await members(h).present(on: date).count))
            let line = config.lineFen(for: h.division, year: date.year) ?? demoLineYuan * 100
            let figures = IncomeFigures(wagesFen: line * permille / 1000 * count, medicalFen: medicalYuan * 100)
            return try await AssessmentService.record(
                .init(assessedOn: date, figures: figures, housingSafe: housingSafe, waterSafe: true, assessedBy: "演示干部"), household: h, ring: ring,
                actor: demo.actor, on: db, today: today)
        }
        func step(_ e: EpisodeRecord, _ h: Household, _ s: EpisodeStep, _ date: CivilDate, note: String = "") async throws {
            try await EpisodeService.step(e, household: h, step: s, on: date, note: note, caller: caller, actor: demo.actor, on: db, today: today)
        }

        // Households able to reach risk elimination: someone able to work, no basic-needs finding.
        var able: [Household] = []
        var others: [Household] = []
        for h in households {
            let m = try await members(h)
            let present = m.present(on: today)
            // The long paths assess on today − 270 and today − 102 (see below).
            let clean = [-270, -102].allSatisfy { !WarningService.needsMemberReferences(m, on: today.adding(days: $0)) }
            if present.contains(where: \.hasLabourCapacity) && clean {
                able.append(h)
            } else {
                others.append(h)
            }
        }
        let targets: [EpisodeState] = [
            .riskEliminated, .eliminationNotice, .eliminationProposed, .monitored, .monitored, .townshipChecked, .publicNotice, .verifying,
            .candidate, .notIncluded,
        ]
        let long = targets.filter { [.riskEliminated, .eliminationNotice, .eliminationProposed, .monitored].contains($0) }.count
        guard able.count >= long, able.count + others.count >= targets.count + 6 else { return nil }
        // The long paths on able households, the short ones on whoever is left.
        var queue = Array(able.prefix(long)) + others + Array(able.dropFirst(long))
        let channels: [MonitoringChannel] = [.departmentWarning, .grassrootsScreening, .selfApplication]
        var assessments = 0
        for (i, target) in targets.enumerated() {
            let h = queue.removeFirst()
            let isLong = i < long
            let opened = isLong ? today.adding(days: -260) : today.adding(days: -20)
            let first = try await assess(h, on: opened.adding(days: -10), permille: 600)
            assessments += 1
            let channel = channels[i % channels.count]
            let warningIDs = channel == .departmentWarning ? first.warnings.compactMap(\.id) : []
            let e = try await EpisodeService.open(
                household: h, channel: channel, on: opened, warningIDs: warningIDs, note: "演示数据", caller: caller, actor: demo.actor, on: db,
                today: today)
            if target == .candidate { continue }
            if target == .notIncluded {
                try await step(e, h, .visit(consent: true), opened.adding(days: 1))
                try await step(e, h, .reject(reason: "经入户核实,家庭收入稳定,不符合纳入条件"), opened.adding(days: 2))
                continue
            }
            try await step(e, h, .visit(consent: true), opened.adding(days: 1))
            if target == .verifying { continue }
            try await step(e, h, .notice, opened.adding(days: 2))
            if target == .publicNotice { continue }
            try await step(e, h, .townshipCheck, opened.adding(days: 7))
            if target == .townshipChecked { continue }
            let identified = opened.adding(days: 8)
            try await step(
                e, h, .approve(category: i % 2 == 0 ? .marginal : .unstableExited, riskTypes: [i % 3 == 0 ? .illness : .unstableEmployment]),
                identified)
            let measure = try AssistanceMeasure(
                type: i % 2 == 0 ? .employment : .industry, description: i % 2 == 0 ? "安排公益岗位" : "发放种苗和技术指导", unit: "乡镇人民政府",
                person: "演示帮扶人", startOn: identified.adding(days: 1), amountFen: 360_000, today: today)
            _ = try await EpisodeService.addMeasure(measure, to: e, household: h, actor: demo.actor, on: db)
            if target == .monitored { continue }
            _ = try await assess(h, on: identified.adding(days: 150), permille: 2000)
            assessments += 1
            let eligible = identified.adding(months: 6)
            try await step(e, h, .proposeElimination, eligible)
            if target == .eliminationProposed { continue }
            try await step(e, h, .eliminationNotice, eligible.adding(days: 1))
            if target == .eliminationNotice { continue }
            try await step(e, h, .eliminate, eligible.adding(days: 6), note: "收入稳定在监测线以上")
        }
        // Warnings of other rules on households without an episode.
        for (n, h) in queue.prefix(6).enumerated() {
            let date = today.adding(days: -30 - n)
            _ = try await assess(h, on: date, permille: n % 2 == 0 ? 1200 : 3000, housingSafe: n % 3 != 0, medicalYuan: n % 2 == 0 ? 0 : 40_000)
            assessments += 1
        }
        return "已载入演示监测数据:\(targets.count)条监测记录(\(Set(targets).count)种状态)、\(assessments)条收入评估及其预警,打开 /monitoring/episodes 查看。"
    }
}
