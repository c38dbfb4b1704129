/// 帮扶措施: one measure applied to a household during a monitoring episode. It may be
/// recorded open-ended and given its end later.
public struct AssistanceMeasure: Hashable, Sendable {
    public var type: AssistanceMeasureType
    public var description: String
    /// The unit responsible (责任单位).
    public var unit: String
    /// The person responsible (帮扶责任人); stored, never put in a message.
    public var person: String
    public var startOn: CivilDate
    public var endOn: CivilDate?
    /// Money spent or granted, in 分; 0 for a measure without money.
    public var amountFen: Int64

    public static let maximumDescriptionLength = 1000

    /// A checked measure: every field problem at once, by JSON field name.
    public init(
        type: AssistanceMeasureType, description: String, unit: String, person: String, startOn: CivilDate,
        endOn: CivilDate? = nil, amountFen: Int64 = 0, today: CivilDate
    ) throws(Refusal) {
        var list = ProblemList()
        func text(_ field: String, _ raw: String, max: Int, multiLine: Bool = false) -> String {
            do {
                let value = multiLine ? try TextPolicy.multiLine(raw) : try TextPolicy.singleLine(raw)
                if value.isEmpty { list.add(field, "不能为空") } else if value.count > max { list.add(field, "不能超过\(max)个字符") }
                return value
            } catch {
                list.add(field, error.message)
                return raw
            }
        }
        self.type = type
        self.description = text("description", description, max: Self.maximumDescriptionLength, multiLine: true)
        self.unit = text("unit", unit, max: 100)
        self.person = text("person", person, max: 50)
        self.startOn = startOn
        self.endOn = endOn
        self.amountFen = amountFen
        if startOn > today { list.add("start", "开始日期不能晚于今天") }
        if let end = endOn, end < startOn { list.add("end", "结束日期不能早于开始日期") }
        if amountFen < 0 { list.add("amount_fen", "金额不能为负数") } else if amountFen > IncomeFigures.maximumFen { list.add("amount_fen", "金额超出范围") }
        if !list.isEmpty { throw Refusal.invalid(list.problems) }
    }

    /// A measure as stored, read back without checks.
    public init(
        stored type: AssistanceMeasureType, description: String, unit: String, person: String, startOn: CivilDate,
        endOn: CivilDate?, amountFen: Int64
    ) {
        self.type = type
        self.description = description
        self.unit = unit
        self.person = person
        self.startOn = startOn
        self.endOn = endOn
        self.amountFen = amountFen
    }

    /// Sets the end of a measure recorded open-ended (or corrects it).
    public func ending(on date: CivilDate) throws(Refusal) -> AssistanceMeasure {
        guard date >= startOn else { throw Refusal.invalid("end", "结束日期不能早于开始日期") }
        var next = self
        next.endOn = date
        return next
    }

    /// Started on or before `date`: what `measure_applied` counts (an ended measure was
    /// still applied).
    public func hasStarted(by date: CivilDate) -> Bool { startOn <= date }
}
