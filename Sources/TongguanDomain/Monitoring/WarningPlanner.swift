/// What evaluating one assessment changes in a household's warnings; the server inserts
/// `raise` and updates `close` in one transaction.
public struct WarningPlan: Equatable, Sendable {
    /// An existing open warning to close, with its new status and the automatic note.
    public struct Closure: Equatable, Sendable {
        public let key: WarningKey
        public let status: WarningStatus
        public let note: String

        public init(key: WarningKey, status: WarningStatus, note: String) {
            self.key = key
            self.status = status
            self.note = note
        }
    }

    public var raise: [EarlyWarning] = []
    public var close: [Closure] = []

    public var isEmpty: Bool { raise.isEmpty && close.isEmpty }
}

/// Runs the rules against one assessment and decides what to raise and close. The same
/// function serves both moments the issue names: when an assessment is recorded (against
/// it and the previous one, with the members as recorded) and a scan (against each
/// household's latest assessment and today's registry). Both are idempotent: a key that
/// already exists is never raised again, whatever its status, so a warning a person
/// resolved stays resolved until a new assessment triggers it again.
public enum WarningPlanner {
    public static func plan(
        _ input: WarningInput, existing: [EarlyWarning], newerAssessmentOn: CivilDate? = nil,
        today: CivilDate, rules: [EarlyWarningRule] = EarlyWarningRule.allCases
    ) -> WarningPlan {
        let date = input.assessment.assessedOn
        let known = Set(existing.map(\.key))
        var plan = WarningPlan()
        var triggered: Set<EarlyWarningRule> = []
        for rule in rules {
            guard let facts = rule.evaluate(input) else { continue }
            triggered.insert(rule)
            guard !known.contains(WarningKey(rule: rule, assessedOn: date)) else { continue }
            var warning = EarlyWarning(rule: rule, assessedOn: date, facts: facts, raisedOn: today)
            if let newer = newerAssessmentOn, newer > date {
                // A back-dated assessment: its facts are kept as history, but the newer
                // assessment is the one that speaks for the household now.
                warning.status = .superseded
                warning.closedOn = today
                warning.note = "该户已有\(newer.chinese)的较新评估,本预警仅作记录"
            }
            plan.raise.append(warning)
        }
        if let newer = newerAssessmentOn, newer > date { return plan }
        for old in existing where old.isOpen && old.assessedOn < date && rules.contains(old.rule) {
            if triggered.contains(old.rule) {
                plan.close.append(
                    .init(
                        key: old.key, status: .superseded,
                        note: "已被\(date.chinese)评估的同类预警取代"))
            } else {
                plan.close.append(
                    .init(
                        key: old.key, status: .resolved,
                        note: "\(date.chinese)的评估不再触发此规则,自动解除"))
            }
        }
        return plan
    }

    /// `existing` after `plan` is applied, for callers (and tests) that keep warnings in memory.
    public static func applying(_ plan: WarningPlan, to existing: [EarlyWarning], today: CivilDate) -> [EarlyWarning] {
        var result = existing.map { warning -> EarlyWarning in
            guard let closure = plan.close.first(where: { $0.key == warning.key }) else { return warning }
            var closed = warning
            closed.status = closure.status
            closed.closedOn = today
            closed.note = closure.note
            return closed
        }
        result += plan.raise
        return result
    }
}
