/// What a dashboard shows for one indicator in one division: the latest value, its change
/// against the previous period (环比) and the same period last year (同比), the target's
/// status, and a sparkline of the periods leading up to the latest.
public struct DashboardTile: Hashable, Sendable {
    public struct Reading: Hashable, Sendable {
        public let period: Period
        public let value: ExactDecimal
    }

    /// One sparkline point; nil value where nothing was entered (the line breaks there).
    public struct Point: Hashable, Sendable {
        public let period: Period
        public let value: ExactDecimal?
    }

    public let latest: Reading?
    /// The latest value shown with the indicator's unit (`183.61亿元`).
    public let latestText: String?
    public let previous: Reading?
    public let changeFromPrevious: Change?
    public let lastYear: Reading?
    public let changeFromLastYear: Change?
    public let target: TargetAssessment?
    /// Oldest first, ending at the latest period.
    public let sparkline: [Point]

    /// Builds the tile from the values known for one kind of period (`values` keyed by
    /// period; the latest is the one that ends last). A change is nil when the comparison
    /// period has no value or a percentage cannot be taken (a zero base).
    public init(
        indicator: Indicator, values: [Period: ExactDecimal], target: Target? = nil, today: CivilDate,
        sparklineLength: Int = 12
    ) {
        let latestPeriod = values.keys.max { ($0.end, $0.start) < ($1.end, $1.start) }
        let latest = latestPeriod.map { Reading(period: $0, value: values[$0]!) }
        self.latest = latest
        latestText = latest.map { indicator.displayText($0.value) }
        func reading(_ period: Period?) -> Reading? {
            guard let period, let value = values[period] else { return nil }
            return Reading(period: period, value: value)
        }
        func change(_ base: Reading?) -> Change? {
            guard let base, let latest else { return nil }
            return try? indicator.change(from: base.value, to: latest.value)
        }
        previous = reading(latestPeriod?.previous)
        changeFromPrevious = change(previous)
        lastYear = reading(latestPeriod?.sameLastYear)
        changeFromLastYear = change(lastYear)
        self.target = target.map { t in
            t.assess(values.map { Observation(period: $0.key, value: $0.value) }, direction: indicator.direction, today: today)
        }
        var points: [Point] = []
        var cursor = latestPeriod
        while let period = cursor, points.count < max(sparklineLength, 0) {
            points.append(Point(period: period, value: values[period]))
            cursor = period.previous
        }
        sparkline = points.reversed()
    }

    /// The sparkline as SVG polyline point lists (`"0,20 10,5 20,0"`) in a `width` × `height`
    /// box, y growing downwards; one list per unbroken run of values. Coordinates are whole
    /// numbers computed exactly; a flat line sits in the middle.
    public func sparklinePolylines(width: Int, height: Int) -> [String] {
        let present = sparkline.compactMap(\.value)
        guard let low = present.min(), let high = present.max() else { return [] }
        let span = (try? high.minus(low)) ?? .zero
        let steps = max(sparkline.count - 1, 1)
        var runs: [[String]] = [[]]
        for (i, point) in sparkline.enumerated() {
            guard let value = point.value else {
                if !(runs.last?.isEmpty ?? true) { runs.append([]) }
                continue
            }
            let x = sparkline.count == 1 ? width / 2 : i * width / steps
            var y = height / 2
            if !span.isZero, let offset = try? value.minus(low).times(ExactDecimal(height)).divided(by: span, scale: 0),
                let units = offset.integerValue
            {
                y = height - Int(units)
            }
            runs[runs.count - 1].append("\(x),\(y)")
        }
        return runs.filter { !$0.isEmpty }.map { $0.joined(separator: " ") }
    }
}
