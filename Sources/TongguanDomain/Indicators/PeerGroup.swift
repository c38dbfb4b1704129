/// A set of cities compared with each other, as a plan of a given year defines it:
/// 汾渭平原 in the 2018 plan has 11 cities, in the 2023 plan 13. Members need not be in the
/// division tree (西安 is not in 吕梁's); each has a name and a code (GB/T 2260 where it has
/// one). Every ranking names the group and its year, so a reader knows which list it was.
public struct PeerGroup: Hashable, Sendable, Codable {
    public var name: String
    public var year: Int
    public var members: [PeerMember]

    public init(name: String, year: Int, members: [PeerMember]) {
        self.name = name
        self.year = year
        self.members = members
    }

    /// `汾渭平原(2018年划定)11个城市`.
    public var label: String { label(count: members.count) }

    func label(count: Int) -> String { "\(name)(\(year)年划定)\(count)个城市" }

    public func member(code: String) -> PeerMember? { members.first { $0.code == code } }

    /// The group, or every problem: a name, a plan year, at least two members, no member
    /// name or code twice.
    public static func validated(name rawName: String, year: Int, members: [PeerMember]) throws(ValidationFailure) -> PeerGroup {
        var problems = ProblemList()
        var name = rawName
        do {
            name = try TextPolicy.singleLine(rawName)
            if name.isEmpty { problems.add("name", "名称不能为空") } else if name.count > 50 { problems.add("name", "名称不能超过50个字符") }
        } catch { problems.add("name", error.message) }
        if !Period.years.contains(year) { problems.add("year", "划定年份应在\(Period.years.lowerBound)—\(Period.years.upperBound)之间") }
        if members.count < 2 { problems.add("members", "至少需要2个成员才能排名") }
        var cleaned: [PeerMember] = []
        var names: Set<String> = [], codes: Set<String> = []
        for (i, member) in members.enumerated() {
            let field = "members[\(i)]"
            var memberName = member.name, code = member.code
            do { memberName = try TextPolicy.singleLine(member.name) } catch { problems.add(field + ".name", error.message) }
            do { code = try TextPolicy.singleLine(member.code) } catch { problems.add(field + ".code", error.message) }
            if memberName.isEmpty { problems.add(field + ".name", "成员名称不能为空") }
            if code.isEmpty || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) || code.count > 12 {
                problems.add(field + ".code", "成员代码应为1到12位英文字母或数字")
            }
            if !memberName.isEmpty, !names.insert(memberName).inserted { problems.add(field + ".name", "成员「\(memberName)」重复") }
            if !code.isEmpty, !codes.insert(code).inserted { problems.add(field + ".code", "成员代码「\(code)」重复") }
            cleaned.append(PeerMember(name: memberName, code: code))
        }
        try problems.throwIfAny()
        return PeerGroup(name: name, year: year, members: cleaned)
    }
}

public struct PeerMember: Hashable, Sendable, Codable {
    public var name: String
    public var code: String

    public init(name: String, code: String) {
        self.name = name
        self.code = code
    }
}
