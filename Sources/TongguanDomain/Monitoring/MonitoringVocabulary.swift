/// The fixed vocabularies of monitoring (DOMAIN.md glossary). Raw values are the API names;
/// `label` is what people read and what a sheet may contain.

/// 监测对象类别.
public enum MonitoringCategory: String, CaseIterable, Sendable, Codable {
    case unstableExited = "unstable_exited"
    case marginal
    case suddenHardship = "sudden_hardship"

    public var label: String {
        switch self {
        case .unstableExited: "脱贫不稳定户"
        case .marginal: "边缘易致贫户"
        case .suddenHardship: "突发严重困难户"
        }
    }

    /// A sudden-hardship household may be included whatever its income (its basic living is
    /// hit by illness, disaster or accident); the others must be below the line.
    public var needsIncomeBelowLine: Bool { self != .suddenHardship }
}

/// 风险类型.
public enum MonitoringRiskType: String, CaseIterable, Sendable, Codable {
    case illness, education, disability, disaster, accident
    case businessFailure = "business_failure"
    case unstableEmployment = "unstable_employment"
    case lackOfLabour = "lack_of_labour"
    case housing
    case drinkingWater = "drinking_water"
    case other

    public var label: String {
        switch self {
        case .illness: "因病"
        case .education: "因学"
        case .disability: "因残"
        case .disaster: "因自然灾害"
        case .accident: "因意外事故"
        case .businessFailure: "因产业项目失败"
        case .unstableEmployment: "因务工就业不稳"
        case .lackOfLabour: "缺劳动力"
        case .housing: "住房安全"
        case .drinkingWater: "饮水安全"
        case .other: "其他"
        }
    }
}

/// 帮扶措施类型. Public-welfare jobs (公益岗) are employment measures.
public enum AssistanceMeasureType: String, CaseIterable, Sendable, Codable {
    case industry, employment, education, medical
    case minimumLivingGuarantee = "minimum_living_guarantee"
    case disabilitySubsidy = "disability_subsidy"
    case housingRepair = "housing_repair"
    case other

    public var label: String {
        switch self {
        case .industry: "产业帮扶"
        case .employment: "就业帮扶(含公益岗)"
        case .education: "教育帮扶"
        case .medical: "医疗帮扶"
        case .minimumLivingGuarantee: "低保/兜底保障"
        case .disabilitySubsidy: "残疾补贴"
        case .housingRepair: "危房改造"
        case .other: "其他"
        }
    }
}

/// How a household became a candidate (三个渠道).
public enum MonitoringChannel: String, CaseIterable, Sendable, Codable {
    case selfApplication = "self_application"
    case grassrootsScreening = "grassroots_screening"
    case departmentWarning = "department_warning"

    public var label: String {
        switch self {
        case .selfApplication: "农户自主申报"
        case .grassrootsScreening: "基层干部排查"
        case .departmentWarning: "部门筛查预警"
        }
    }
}
