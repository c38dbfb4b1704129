/// Peer members ordered by one indicator for one period, best first under the indicator's
/// direction. Equal values share a rank and the next rank skips (competition ranking
/// 1, 1, 3); members without a value come last, unranked, in the group's order.
public struct Ranking: Hashable, Sendable, Codable {
    public let group: String
    public let year: Int
    public let period: Period
    public let direction: Direction
    public let rows: [RankingRow]

    /// Ranks `values` (keyed by member code; codes outside the group are ignored).
    public init(group: PeerGroup, period: Period, direction: Direction, values: [String: ExactDecimal]) {
        self.group = group.name
        self.year = group.year
        self.period = period
        self.direction = direction
        let valued = group.members.compactMap { m in values[m.code].map { (m, $0) } }
        let sorted = valued.enumerated().sorted { a, b in
            if direction.isBetter(a.element.1, than: b.element.1) { return true }
            if direction.isBetter(b.element.1, than: a.element.1) { return false }
            return a.offset < b.offset
        }.map(\.element)
        var rows: [RankingRow] = []
        for (i, (member, value)) in sorted.enumerated() {
            let rank = i > 0 && sorted[i - 1].1 == value ? rows[i - 1].rank! : i + 1
            rows.append(RankingRow(member: member.name, memberCode: member.code, value: value, rank: rank))
        }
        for member in group.members where values[member.code] == nil {
            rows.append(RankingRow(member: member.name, memberCode: member.code, value: nil, rank: nil))
        }
        self.rows = rows
    }

    public func row(for memberCode: String) -> RankingRow? { rows.first { $0.memberCode == memberCode } }

    /// Members with a value.
    public var rankedCount: Int { rows.filter { $0.rank != nil }.count }

    /// `汾渭平原(2018年划定)11个城市`, or with members lacking a value
    /// `汾渭平原(2018年划定)11个城市(其中10个有数据)`.
    public var groupLabel: String {
        let base = "\(group)(\(year)年划定)\(rows.count)个城市"
        return rankedCount == rows.count ? base : base + "(其中\(rankedCount)个有数据)"
    }

    /// Where a member stands, in words: `最低`, `最高`, `并列最低`, `排名第3`, `并列第3`.
    /// `auto` says 最高/最低 at either end of the ranking (the value's extreme, whichever
    /// is better) and the position elsewhere; `position` always gives the position.
    /// Nil when the member has no value or is not in the group.
    public func phrase(for memberCode: String, style: RankPhraseStyle = .auto) -> String? {
        guard let rank = row(for: memberCode)?.rank else { return nil }
        let shared = rows.filter { $0.rank == rank }.count
        let tie = shared > 1 ? "并列" : ""
        if style == .auto {
            let bestWord = direction == .higherIsBetter ? "最高" : "最低"
            let worstWord = direction == .higherIsBetter ? "最低" : "最高"
            if rank == 1 && rankedCount > 1 && shared < rankedCount { return tie + bestWord }
            if rank + shared - 1 == rankedCount && rankedCount > 1 && shared < rankedCount { return tie + worstWord }
        }
        return shared > 1 ? "并列第\(rank)" : "排名第\(rank)"
    }

    /// The sentence part a briefing prints: `汾渭平原(2018年划定)11个城市中最低`.
    public func sentence(for memberCode: String, style: RankPhraseStyle = .auto) -> String? {
        phrase(for: memberCode, style: style).map { groupLabel + "中" + $0 }
    }
}

public struct RankingRow: Hashable, Sendable, Codable {
    public let member: String
    public let memberCode: String
    public let value: ExactDecimal?
    public let rank: Int?

    enum CodingKeys: String, CodingKey {
        case member, value, rank
        case memberCode = "member_code"
    }

    public init(member: String, memberCode: String, value: ExactDecimal?, rank: Int?) {
        self.member = member
        self.memberCode = memberCode
        self.value = value
        self.rank = rank
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(member, forKey: .member)
        try c.encode(memberCode, forKey: .memberCode)
        try c.encode(value, forKey: .value)
        try c.encode(rank, forKey: .rank)
    }
}

/// How a briefing states a rank.
public enum RankPhraseStyle: String, Sendable, Codable, CaseIterable {
    /// 最高/最低 at the ends, the position elsewhere.
    case auto
    /// Always the position: 排名第1, 并列第3.
    case position
}
