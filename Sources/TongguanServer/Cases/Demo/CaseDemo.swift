import Fluent
import Foundation
import TongguanDomain

/// `serve --demo` for 诉求: the article's 民生 figures, as records the statistics count —
/// in 2021, 7 visit batches to 人大代表联络站 collecting 269 problems of which 132 closed;
/// 67 cases owned by city leaders (包案) of which 52 resolved; and 1905 backlog petitions
/// handed down by 中央联席办 (originally received 2016–2020, registered in 2021) of which
/// 1794 resolved. A unit (信访局) per county, three city leaders. Deterministic.
enum CaseDemo {
    static let liaison = (batches: 7, problems: 269, closed: 132)
    static let owned = (cases: 67, resolved: 52)
    static let backlog = (cases: 1905, resolved: 1794, by: "中央联席办")
    /// The dashboard range that shows all three sentences.
    static let dashboard = "/cases/dashboard?from=2016-01-01&to=2021-12-31"

    struct Plan: Sendable {
        var details: CaseDetails
        var snapshot: CaseSnapshot
        var unitIndex: Int
        var reply: String?
    }

    static func load(_ demo: DemoContext) async throws -> String {
        let existing = try await CaseRecord.query(on: demo.db).count()
        guard existing == 0 else { throw DemoRefused(message: "数据库中已有\(existing)件诉求:诉求演示数据只能载入空库,未做任何修改") }
        let counties = try await Division.query(on: demo.db).filter(\.$parentCode == demo.scope.root.rawValue).sort(\.$id).all()
        guard !counties.isEmpty else { throw DemoRefused(message: "区划中没有县级单位,未载入诉求演示数据") }
        var unitIDs: [UUID] = []
        var unitDivisions: [String] = []
        for county in counties {
            let unit: CaseUnit
            if let found = try await UnitService.scoped(demo.scope, on: demo.db).filter(\.$name == county.name + "信访局").first() {
                unit = found
            } else {
                unit = try await UnitService.create(
                    .init(name: county.name + "信访局", division: county.code, active: true), actor: demo.actor, on: demo.db)
            }
            unitIDs.append(unit.id!)
            unitDivisions.append(unit.divisionCode)
        }
        var leaderIDs: [UUID] = []
        for (name, title) in [("李明", "市长"), ("王强", "常务副市长"), ("张华", "副市长")] {
            let leader = try await LeaderService.create(
                .init(name: name, title: title, division: demo.scope.root), actor: demo.actor, on: demo.db)
            leaderIDs.append(leader.id!)
        }
        let plans = build(counties: counties.map(\.code), leaders: leaderIDs, units: unitIDs)
        let ids = unitIDs, divisions = unitDivisions
        try await demo.db.audited(by: demo.actor) { tx, audit in
            let settings = try await CaseSettings.load(on: tx)
            for p in plans {
                var snapshot = p.snapshot
                if snapshot.unitId != nil { snapshot.unitId = ids[p.unitIndex] }
                let extra = CaseService.Extra(
                    snapshot: snapshot, unitDivisionCode: snapshot.unitId == nil ? nil : divisions[p.unitIndex], replyText: p.reply)
                _ = try await CaseService.insert(
                    p.details, extra: extra, settings: settings, actorName: demo.actor.name, keys: { throw Refusal.conflict("演示数据不含身份证号") },
                    on: tx, audit: audit)
            }
        }
        return "已载入诉求演示数据:\(plans.count)件(联络站\(liaison.problems)个问题、领导包案\(owned.cases)件、\(backlog.by)交办积案\(backlog.cases)件),打开 \(dashboard) 查看。"
    }

    static let topics = [
        ("村道破损", "村里主干道多处破损,雨天无法通行,希望尽快修复。"), ("饮水困难", "村里自来水时断时续,夏季经常停水。"),
        ("供暖不热", "小区冬季供暖温度不达标,屋内不到十六度。"), ("拖欠工资", "在工地务工,工资被拖欠半年未付。"),
        ("征地补偿", "承包地被征用,补偿款至今未足额到位。"), ("路灯不亮", "村口路灯损坏多日无人维修。"),
        ("就医报销", "新农合报销比例与政策不符,请求核实。"), ("学校校车", "孩子上学路远,希望开通校车。"),
    ]

    /// The whole dataset, computed (no randomness): counts and outcomes are exact.
    static func build(counties: [DivisionCode], leaders: [UUID], units: [UUID]) -> [Plan] {
        var plans: [Plan] = []
        let marker = UUID()  // "has a unit"; replaced by the county's unit when written
        func d(_ y: Int, _ m: Int, _ day: Int) -> CivilDate { CivilDate(year: y, month: m, day: day)! }
        func make(
            _ i: Int, source: CaseSource, kind: CaseKind, received: CivilDate, station: CaseDetails.Station? = nil, leader: UUID? = nil,
            backlog: CaseDetails.Backlog? = nil, state: CaseState, outcome: CaseOutcome? = nil, days: Int, satisfaction: Satisfaction? = nil
        ) -> Plan {
            let county = i % counties.count
            let (title, content) = topics[i % topics.count]
            let details = CaseDetails(
                source: source, kind: kind, title: title, content: content, requesterName: "群众\(i % 97 + 1)号",
                requesterPhone: String(format: "138%08d", 10_000 + i), divisionCode: counties[county], receivedOn: received, station: station,
                ownerLeaderId: leader, backlog: backlog)
            let answered = state == .replied || state == .closed
            let started = state == .inProgress || answered
            let routed = state != .registered
            let repliedOn = received.adding(days: days)
            let snapshot = CaseSnapshot(
                source: source, state: state, divisionCode: counties[county], receivedOn: received, unitId: routed ? marker : nil,
                routedOn: routed ? received : nil, acceptedOn: started || state == .accepted ? received.adding(days: 1) : nil,
                startedOn: started ? received.adding(days: 1) : nil, repliedOn: answered ? repliedOn : nil, outcome: answered ? outcome : nil,
                closedOn: state == .closed ? repliedOn : nil, satisfaction: state == .closed ? satisfaction : nil,
                followedUpOn: state == .closed && satisfaction != nil ? repliedOn.adding(days: 3) : nil,
                lastStepOn: answered ? (satisfaction != nil ? repliedOn.adding(days: 3) : repliedOn) : received.adding(days: 1))
            return Plan(
                details: details, snapshot: snapshot, unitIndex: county % units.count, reply: answered ? "经调查核实,已按政策办理并答复诉求人。" : nil)
        }
        // 7 liaison-station visit batches in 2021 (one a month from March), 269 problems; the
        // first 132 (in registration order) closed.
        let perBatch = (0..<liaison.batches).map { liaison.problems / liaison.batches + ($0 < liaison.problems % liaison.batches ? 1 : 0) }
        var n = 0
        for (b, count) in perBatch.enumerated() {
            for k in 0..<count {
                let closed = n < liaison.closed
                let kinds: [CaseKind] = [.suggestion, .helpRequest, .complaint, .consultation]
                plans.append(
                    make(
                        n, source: .liaisonStation, kind: kinds[n % kinds.count], received: d(2021, 3 + b, 6 + k % 20),
                        station: .init(name: "人大代表联络站", batch: "2021年第\(b + 1)批"), state: closed ? .closed : (n % 3 == 0 ? .routed : .inProgress),
                        outcome: closed ? (n % 4 == 3 ? .explained : .resolved) : nil, days: 8 + n % 10,
                        satisfaction: closed ? (n % 5 == 4 ? .basicallySatisfied : .satisfied) : nil))
                n += 1
            }
        }
        // 67 leader-owned cases from leaders' visits in 2021: 52 resolved; 8 closed with an
        // explanation (closed, not resolved); 7 still being handled.
        for i in 0..<owned.cases {
            let state: CaseState = i < 60 ? .closed : .inProgress
            plans.append(
                make(
                    n + i, source: .leaderVisit, kind: [.complaint, .helpRequest][i % 2], received: d(2021, 1 + i % 11, 10 + i % 15),
                    leader: leaders[i % leaders.count], state: state, outcome: i < owned.resolved ? .resolved : (i < 60 ? .explained : nil),
                    days: 10 + i % 8, satisfaction: i < 60 ? .satisfied : nil))
        }
        n += owned.cases
        // 1905 backlog petitions handed down by 中央联席办, received 2016–2020, registered in
        // early 2021: 1794 resolved; 60 answered as not supported and closed; 51 in progress.
        for i in 0..<backlog.cases {
            let original = d(2016 + i % 5, 1 + i % 12, 1 + i % 28)
            let state: CaseState = i < backlog.resolved + 60 ? .closed : .inProgress
            plans.append(
                make(
                    n + i, source: .petition, kind: [.appeal, .accusation, .opinion][i % 3], received: d(2021, 1 + i % 3, 4 + i % 20),
                    backlog: .init(handedDownBy: backlog.by, originalReceivedOn: original), state: state,
                    outcome: i < backlog.resolved ? .resolved : (state == .closed ? .notSupported : nil), days: 20 + i % 50))
        }
        return plans
    }
}
