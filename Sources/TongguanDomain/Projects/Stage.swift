/// 签约 → 开工 → 投产: the stages a 三个一批 project moves forward through.
public enum Stage: String, CaseIterable, Sendable, Codable, Comparable {
    case signed, started, producing

    public var order: Int { Stage.allCases.firstIndex(of: self)! }
    public static func < (a: Stage, b: Stage) -> Bool { a.order < b.order }

    public var label: String {
        switch self {
        case .signed: "签约"
        case .started: "开工"
        case .producing: "投产"
        }
    }

    public init?(label: String) {
        guard let stage = Stage.allCases.first(where: { $0.label == label }) else { return nil }
        self = stage
    }
}

/// The dated stages one project has reached, with the rules that keep them consistent.
public struct MilestonePlan: Equatable, Sendable {
    public private(set) var dates: [Stage: CivilDate]

    public init(_ dates: [Stage: CivilDate] = [:]) { self.dates = dates }

    public enum Problem: Error, Equatable, Sendable {
        case missingEarlier(Stage, needs: Stage)
        case beforeEarlier(Stage, earlier: Stage)
        case followedBy(Stage, later: Stage)

        public var message: String {
            switch self {
            case .missingEarlier(let s, let needs): "登记「\(s.label)」前须先登记「\(needs.label)」"
            case .beforeEarlier(let s, let earlier): "「\(s.label)」日期不能早于「\(earlier.label)」日期"
            case .followedBy(let s, let later): "已有「\(later.label)」,不能删除「\(s.label)」"
            }
        }
    }

    /// The furthest stage reached, or nil for none.
    public var furthest: Stage? { Stage.allCases.last { dates[$0] != nil } }

    /// Every rule the set of dates breaks: stages form a prefix of 签约 → 开工 → 投产, and
    /// no later stage is dated before an earlier one.
    public var problems: [(Stage, Problem)] {
        var result: [(Stage, Problem)] = []
        for stage in Stage.allCases.dropFirst() where dates[stage] != nil {
            let previous = Stage.allCases[stage.order - 1]
            guard dates[previous] != nil else { result.append((stage, .missingEarlier(stage, needs: previous))); continue }
        }
        for later in Stage.allCases {
            guard let laterDate = dates[later] else { continue }
            if let earlier = Stage.allCases.prefix(later.order).last(where: { dates[$0] != nil && dates[$0]! > laterDate }) {
                result.append((later, .beforeEarlier(later, earlier: earlier)))
            }
        }
        return result
    }

    /// Sets a stage's date (adding or moving it), refusing a change that breaks a rule.
    public func setting(_ stage: Stage, to date: CivilDate) throws(Problem) -> MilestonePlan {
        var next = self
        next.dates[stage] = date
        if let first = next.problems.first(where: { $0.0 == stage })?.1 ?? next.problems.first?.1 { throw first }
        return next
    }

    /// Removes a stage; one that a later stage follows cannot go.
    public func removing(_ stage: Stage) throws(Problem) -> MilestonePlan {
        if let later = Stage.allCases.last(where: { $0 > stage && dates[$0] != nil }) { throw .followedBy(stage, later: later) }
        var next = self
        next.dates[stage] = nil
        return next
    }
}
