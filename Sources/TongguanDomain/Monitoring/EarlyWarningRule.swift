/// The early-warning rules. Each is a row of the definition table (code, Chinese name, the
/// settings it reads) and one evaluation function in `WarningRules`; adding a rule means
/// adding a case here and its function there, nothing else.
public enum EarlyWarningRule: String, CaseIterable, Sendable, Codable {
    case belowLine = "below_line"
    case nearLine = "near_line"
    case incomeDrop = "income_drop"
    case largeExpense = "large_expense"
    case basicNeeds = "basic_needs"

    /// One row of the rule table, for the rules page and the API.
    public struct Definition: Hashable, Sendable {
        public let code: String
        public let name: String
        /// What triggers the rule, in words.
        public let condition: String
        /// The settings and table values it reads (`line` is the monitoring line in force).
        public let parameters: [String]
    }

    public var definition: Definition {
        switch self {
        case .belowLine:
            Definition(
                code: rawValue, name: "收入低于监测线", condition: "人均纯收入低于当年监测收入线",
                parameters: ["line"])
        case .nearLine:
            Definition(
                code: rawValue, name: "收入临近监测线", condition: "人均纯收入不低于监测收入线,但低于监测收入线乘以临界倍数",
                parameters: ["line", MonitoringSettings.Field.nearLineFactor.rawValue])
        case .incomeDrop:
            Definition(
                code: rawValue, name: "收入大幅下降", condition: "上次评估人均纯收入大于0,本次不高于上次乘以(1-收入骤减比例)",
                parameters: [MonitoringSettings.Field.incomeDropFraction.rawValue])
        case .largeExpense:
            Definition(
                code: rawValue, name: "刚性支出较大", condition: "医疗和教育自付支出超过家庭纯收入乘以大额支出比例,或纯收入不大于0且有此类支出",
                parameters: [MonitoringSettings.Field.largeExpenseFraction.rawValue])
        case .basicNeeds:
            Definition(
                code: rawValue, name: "三保障和饮水安全存在风险",
                condition: "住房不安全、饮水不安全、有在册成员未参加基本医疗保险,或有6至15周岁在册成员未接受义务教育",
                parameters: [])
        }
    }

    public static var table: [Definition] { allCases.map(\.definition) }

    /// The facts that trigger this rule, or nil when it does not fire.
    public func evaluate(_ input: WarningInput) -> WarningFacts? {
        switch self {
        case .belowLine: WarningRules.belowLine(input)
        case .nearLine: WarningRules.nearLine(input)
        case .incomeDrop: WarningRules.incomeDrop(input)
        case .largeExpense: WarningRules.largeExpense(input)
        case .basicNeeds: WarningRules.basicNeeds(input)
        }
    }
}

/// Everything a rule may look at: the assessment, the household's previous one, the line in
/// force for its division and the assessment's year, the settings, and the members (as on
/// the day of recording, or today's registry for a scan).
public struct WarningInput: Sendable {
    public var assessment: IncomeAssessment
    public var previous: IncomeAssessment?
    public var lineFen: Int64
    public var settings: MonitoringSettings
    public var members: [AssessedMember]

    public init(
        assessment: IncomeAssessment, previous: IncomeAssessment?, lineFen: Int64,
        settings: MonitoringSettings = .defaults, members: [AssessedMember]
    ) {
        self.assessment = assessment
        self.previous = previous
        self.lineFen = lineFen
        self.settings = settings
        self.members = members
    }
}

/// Why a warning fired: named figures (in 分, or ‰ for settings), findings about the
/// household or one member (named by the masked reference the server gave), and one
/// Chinese sentence. Stored with the warning, so it still reads true after data change.
public struct WarningFacts: Hashable, Sendable, Codable {
    public struct Figure: Hashable, Sendable, Codable {
        public let code: String
        public let value: Int64
        public init(_ code: String, _ value: Int64) {
            self.code = code
            self.value = value
        }
    }

    public struct Finding: Hashable, Sendable, Codable {
        public let code: String
        /// The masked member reference, nil for a finding about the whole household.
        public let member: String?
        public let message: String
        public init(code: String, member: String? = nil, message: String) {
            self.code = code
            self.member = member
            self.message = message
        }
    }

    public var figures: [Figure]
    public var findings: [Finding]
    public var previousAssessedOn: CivilDate?
    public var summary: String

    public init(figures: [Figure] = [], findings: [Finding] = [], previousAssessedOn: CivilDate? = nil, summary: String) {
        self.figures = figures
        self.findings = findings
        self.previousAssessedOn = previousAssessedOn
        self.summary = summary
    }

    public func figure(_ code: String) -> Int64? { figures.first { $0.code == code }?.value }

    enum CodingKeys: String, CodingKey {
        case figures, findings, summary
        case previousAssessedOn = "previous_assessed_on"
    }
}
