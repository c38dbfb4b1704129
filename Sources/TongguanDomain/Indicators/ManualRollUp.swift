/// A manual indicator's value for a period, or the periods whose values are missing.
public enum PeriodValue: Hashable, Sendable {
    /// The value and the entered periods it came from (one, or the parts rolled up).
    case value(ExactDecimal, from: [Period])
    /// Nothing can be said; `missing` names what must be entered (never shown as 0).
    case gap(missing: [Period])

    public var value: ExactDecimal? {
        if case .value(let v, _) = self { return v }
        return nil
    }
}

extension RollUp {
    /// The value of `period` from what was entered (`entries`, keyed by the period each was
    /// entered for):
    ///
    /// 1. A value entered for exactly the period's days wins (`2021-Q1` answers
    ///    `2021-01..2021-03` too).
    /// 2. `none`: nothing else counts, so the period is a gap.
    /// 3. Otherwise the period is cut into parts of one kind, coarsest first: half-years,
    ///    quarters, months, days (a year can be made of quarters or of months, never of a mix).
    ///    - `sum` / `average`: the first kind whose parts were all entered gives the sum or the
    ///      average (rounded half-up at 6 decimals, or at the entries' own precision when it
    ///      is finer). When no kind is complete, the gap names the missing parts of the kind
    ///      with the most entries.
    ///    - `last`: the value of the last part, at the coarsest kind that has it (a year's
    ///      value is its December's, or its Q4's). When missing, the gap names that last part.
    /// 4. No entry at all: the gap names the period itself.
    public func value(for period: Period, entries: [Period: ExactDecimal]) throws(ExactDecimal.Problem) -> PeriodValue {
        var byDays: [Int: [Int: (Period, ExactDecimal)]] = [:]
        for (p, v) in entries { byDays[p.start.dayNumber, default: [:]][p.end.dayNumber] = (p, v) }
        func entry(_ p: Period) -> (Period, ExactDecimal)? { byDays[p.start.dayNumber]?[p.end.dayNumber] }

        if let (p, v) = entry(period) { return .value(v, from: [p]) }
        guard self != .none else { return .gap(missing: [period]) }

        let kinds: [Period.Kind] = [.halfYear, .quarter, .month, .day]
        let cuts = kinds.compactMap { period.parts($0) }.filter { $0.count > 1 }
        if self == .last {
            for parts in cuts {
                if let (p, v) = entry(parts[parts.count - 1]) { return .value(v, from: [p]) }
            }
            let withAny = cuts.first { parts in parts.contains { entry($0) != nil } }
            return .gap(missing: [withAny?.last ?? period])
        }
        var best: (present: Int, missing: [Period])?
        for parts in cuts {
            let found = parts.compactMap(entry)
            if found.count == parts.count {
                let total = try ExactDecimal.sum(found.map(\.1))
                guard self == .average else { return .value(total, from: found.map(\.0)) }
                let places = max(6, found.map(\.1.scale).max() ?? 0)
                return .value(try total.divided(by: ExactDecimal(found.count), scale: places), from: found.map(\.0))
            }
            if !found.isEmpty, found.count > (best?.present ?? 0) {
                best = (found.count, parts.filter { entry($0) == nil })
            }
        }
        return .gap(missing: best?.missing ?? [period])
    }
}
