import Fluent

enum Migrations {
    /// In order; a later module appends its own.
    static let all: [any Migration] = [
        CreateAuditTrail(),
        CreateDivisions(),
        CreateUsers(),
        CreateApiTokens(),
        CreateLoginThrottles(),
        SessionRecord.migration,
        CreateIndustries(),
        CreateRounds(),
        CreateProjects(),
        CreateMilestones(),
        AddSummaryIndexes(),
        AddUserSessionCutoff(),
        ReplaceLoginThrottles(),
    ]
}
