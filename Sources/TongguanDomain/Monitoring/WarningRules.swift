/// One evaluation function per early-warning rule. Each compares exactly: a factor or
/// fraction in ‰ multiplies the other side rather than dividing, so a boundary value lands
/// on the side the rule's words say.
public enum WarningRules {
    /// `below_line`: per-capita < line. A household exactly on the line is not below it.
    public static func belowLine(_ input: WarningInput) -> WarningFacts? {
        let pc = input.assessment.perCapitaFen, line = input.lineFen
        guard pc < line else { return nil }
        return WarningFacts(
            figures: [.init("per_capita_fen", pc), .init("line_fen", line)],
            summary: "人均纯收入\(Fen.yuanText(pc))元,低于监测收入线\(Fen.yuanText(line))元")
    }

    /// `near_line`: line ≤ per-capita < line × factor, compared as per-capita × 1000 <
    /// line × factor‰ (no rounding of the product).
    public static func nearLine(_ input: WarningInput) -> WarningFacts? {
        let pc = input.assessment.perCapitaFen, line = input.lineFen, factor = input.settings.nearLineFactor
        guard pc >= line, ExactRatio.compare(pc, times: 1000, with: line, times: factor.value) < 0 else { return nil }
        return WarningFacts(
            figures: [.init("per_capita_fen", pc), .init("line_fen", line), .init("near_line_factor_permille", factor.value)],
            summary: "人均纯收入\(Fen.yuanText(pc))元,不低于监测收入线\(Fen.yuanText(line))元但低于其\(factor)倍")
    }

    /// `income_drop`: previous per-capita > 0 and this one ≤ previous × (1 − fraction); a
    /// drop of exactly the fraction triggers.
    public static func incomeDrop(_ input: WarningInput) -> WarningFacts? {
        guard let previous = input.previous, previous.perCapitaFen > 0 else { return nil }
        let pc = input.assessment.perCapitaFen, before = previous.perCapitaFen, fraction = input.settings.incomeDropFraction
        guard ExactRatio.compare(pc, times: 1000, with: before, times: 1000 - fraction.value) <= 0 else { return nil }
        return WarningFacts(
            figures: [
                .init("previous_per_capita_fen", before), .init("per_capita_fen", pc),
                .init("income_drop_fraction_permille", fraction.value),
            ],
            previousAssessedOn: previous.assessedOn,
            summary: "人均纯收入由\(previous.assessedOn.chinese)评估的\(Fen.yuanText(before))元降至\(Fen.yuanText(pc))元,降幅达到\(fraction.percentText)或以上")
    }

    /// `large_expense`: medical + education > fraction × net income (exactly the fraction
    /// does not trigger), or net income ≤ 0 with any such expense.
    public static func largeExpense(_ input: WarningInput) -> WarningFacts? {
        let a = input.assessment, fraction = input.settings.largeExpenseFraction
        let expense = a.figures.expenseFen, net = a.netIncomeFen
        guard expense > 0 else { return nil }
        let figures: [WarningFacts.Figure] = [
            .init("medical_fen", a.figures.medicalFen), .init("education_fen", a.figures.educationFen),
            .init("net_income_fen", net), .init("large_expense_fraction_permille", fraction.value),
        ]
        let spent = "医疗和教育自付支出共\(Fen.yuanText(expense))元"
        if net <= 0 {
            return WarningFacts(figures: figures, summary: "家庭纯收入\(Fen.yuanText(net))元,不大于0,且\(spent)")
        }
        guard ExactRatio.compare(expense, times: 1000, with: net, times: fraction.value) > 0 else { return nil }
        return WarningFacts(figures: figures, summary: "\(spent),超过家庭纯收入\(Fen.yuanText(net))元的\(fraction.percentText)")
    }

    /// `basic_needs`: unsafe housing or water, a member present on the assessment day
    /// without basic medical insurance, or one aged 6–15 that day (both ends inclusive) not
    /// in compulsory education. Every finding is listed, not just the first.
    public static func basicNeeds(_ input: WarningInput) -> WarningFacts? {
        let a = input.assessment
        var findings: [WarningFacts.Finding] = []
        if !a.housingSafe { findings.append(.init(code: "housing_unsafe", message: "住房不安全")) }
        if !a.waterSafe { findings.append(.init(code: "water_unsafe", message: "饮水不安全")) }
        for member in input.members.present(on: a.assessedOn) {
            if !member.hasBasicMedicalInsurance {
                findings.append(
                    .init(
                        code: "no_basic_medical_insurance", member: member.reference,
                        message: "成员\(member.reference)未参加基本医疗保险"))
            }
            let age = member.age(on: a.assessedOn)
            if AssessedMember.compulsorySchoolAges.contains(age), !member.inCompulsoryEducation {
                findings.append(
                    .init(
                        code: "not_in_compulsory_education", member: member.reference,
                        message: "成员\(member.reference)(\(age)周岁)未接受义务教育"))
            }
        }
        guard !findings.isEmpty else { return nil }
        return WarningFacts(findings: findings, summary: findings.map(\.message).joined(separator: ";"))
    }
}
