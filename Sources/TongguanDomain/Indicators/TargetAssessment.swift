extension Target {
    /// The status rule, as the target page shows it.
    public static let statusRule = """
        **目标状态的判定规则**

        1. 只看基期之后的数值(未设基期时看全部数值),取日期最晚的一个为“最新值”;每个数值的日期是其期间的最后一天。
        2. **已达成**:最新值达到目标(越高越好的指标不低于目标,越低越好的指标不高于目标)。
        3. 未达成且今天已过期限:**难以达成**。
        4. 起点为基期值;未设基期时为最早的数值。只有一个数值又没有基期时,无法推算趋势:**无法判断**。没有任何数值时同样为**无法判断**。
        5. 从起点到最新值连一条直线,按相同速度推算到期限日,得到“预计变化”;“所需变化”为起点到目标的差(按指标方向计)。
           - 预计变化不小于所需变化:**按期可达**;
           - 预计变化达到所需变化的90%:**有风险**;
           - 其余:**难以达成**。起点本已达到目标而最新值回落的,也为**难以达成**。
        6. 完成进度 = (最新值 − 起点) ÷ (目标 − 起点),保留4位小数。
        """

    /// Judges the target on `today` from `observations` of the indicator in the target's
    /// division, by the rule in `statusRule` (comparisons are exact: the projection is
    /// compared by cross-multiplication, never through a rounded quotient).
    public func assess(_ observations: [Observation], direction: Direction, today: CivilDate) -> TargetAssessment {
        let usable = observations.filter { baseline == nil || $0.date > baseline!.date }
        guard let latest = usable.max(by: { $0.date < $1.date }) else {
            return TargetAssessment(
                status: .unknown, progress: nil, latest: nil, projected: nil,
                reason: baseline == nil ? "尚无数值" : "基期之后尚无数值")
        }
        let start = baseline ?? usable.min(by: { $0.date < $1.date })!
        let progress = Self.progress(from: start.value, latest: latest.value, target: value)
        func result(_ status: TargetStatus, _ reason: String, projected: ExactDecimal? = nil) -> TargetAssessment {
            TargetAssessment(status: status, progress: progress, latest: latest, projected: projected, reason: reason)
        }
        if direction.reaches(latest.value, value) { return result(.achieved, "最新值已达到目标") }
        if today > due { return result(.offTrack, "已过期限(\(due.description)),最新值仍未达到目标") }
        let elapsed = latest.date.dayNumber - start.date.dayNumber
        guard elapsed > 0 else { return result(.unknown, "只有一个数值且未设基期,无法推算趋势") }
        let total = due.dayNumber - start.date.dayNumber
        let sign = ExactDecimal(direction == .higherIsBetter ? 1 : -1)
        do throws(ExactDecimal.Problem) {
            let needed = try value.minus(start.value).times(sign)
            let slope = try latest.value.minus(start.value).times(sign)
            let projected = try start.value.plus(
                latest.value.minus(start.value).times(ExactDecimal(total)).divided(by: ExactDecimal(elapsed), scale: 6))
            guard needed.signum > 0 else { return result(.offTrack, "起点已达到目标,但最新值回落到目标之外", projected: projected) }
            // projected change = slope × total ÷ elapsed, compared with `needed` without dividing.
            let projectedTimesElapsed = try slope.times(ExactDecimal(total))
            let neededTimesElapsed = try needed.times(ExactDecimal(elapsed))
            if projectedTimesElapsed >= neededTimesElapsed {
                return result(.onTrack, "按目前速度,到期限时可达到目标", projected: projected)
            }
            if try projectedTimesElapsed.times(ExactDecimal(10)) >= neededTimesElapsed.times(ExactDecimal(9)) {
                return result(.atRisk, "按目前速度,到期限时可完成所需变化的90%以上,但达不到目标", projected: projected)
            }
            return result(.offTrack, "按目前速度,到期限时完成不到所需变化的90%", projected: projected)
        } catch {
            return result(.unknown, error.message)
        }
    }

    static func progress(from start: ExactDecimal, latest: ExactDecimal, target: ExactDecimal) -> ExactDecimal? {
        guard let span = try? target.minus(start), !span.isZero,
            let done = try? latest.minus(start)
        else { return nil }
        return try? done.divided(by: span, scale: 4)
    }
}
