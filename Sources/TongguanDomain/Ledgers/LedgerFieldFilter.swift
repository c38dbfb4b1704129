/// One `f.<key>=<value>` (items) or `filter.<key>=<value>` (aggregates) condition, read in the
/// API's forms: `true`/`false`, integers, decimals, 分 for money, `YYYY-MM-DD`, option text,
/// division codes, unit references, a person's name or phone, a resident ID.
public struct LedgerFieldFilter: Hashable, Sendable {
    public let key: String
    public let match: Match

    public enum Match: Hashable, Sendable {
        /// The value equals this one (text, numbers, money, dates, yes/no, a choice, a unit).
        case equals(LedgerValue)
        /// A multi-choice value that includes the option.
        case includesOption(String)
        /// A division value at or below the code.
        case withinDivision(DivisionCode)
        case personName(String)
        /// Normalised as `PhoneNumber.normalized` stores it.
        case personPhone(String)
        /// The clear number, which the server turns into its blind index to compare.
        case residentID(String)
    }

    public init(key: String, match: Match) {
        self.key = key
        self.match = match
    }

    /// Reads one condition on `key`; the thrown message is Chinese and never repeats the
    /// value. An unknown or archived key is refused.
    public init(key: String, value raw: String, definition: LedgerDefinition) throws(LedgerValueFailure) {
        guard let field = definition.field(key) else { throw LedgerValueFailure("没有这个字段") }
        guard !field.archived else { throw LedgerValueFailure("字段「\(field.label)」已归档,不能用于筛选") }
        let text = TextPolicy.trimmed(raw)
        self.key = key
        switch field.type {
        case .bool:
            switch text {
            case "true": match = .equals(.bool(true))
            case "false": match = .equals(.bool(false))
            default: throw LedgerValueFailure("应为 true 或 false")
            }
        case .integer, .money:
            guard let n = Int64(text) else { throw LedgerValueFailure(field.type == .money ? "金额应为以分为单位的整数" : "应为整数") }
            match = .equals(field.type == .money ? .money(n) : .integer(n))
        case .multiChoice:
            guard field.options.contains(text) else { throw LedgerValueFailure("不是可选项," + LedgerValue.optionList(field)) }
            match = .includesOption(text)
        case .division:
            do { match = .withinDivision(try DivisionCode(validating: text)) } catch { throw LedgerValueFailure(error.message) }
        case .person:
            guard !text.isEmpty, TextPolicy.firstProblem(in: text) == nil else { throw LedgerValueFailure("应为姓名或电话") }
            if let phone = PhoneNumber.normalized(text) { match = .personPhone(phone) } else { match = .personName(text) }
        case .residentID:
            do { match = .residentID(try ResidentID.validate(text)) } catch { throw LedgerValueFailure(error.message) }
        case .text, .decimal, .date, .choice, .unit, .name:
            guard let value = try LedgerValue.fromText(text, field: field) else { throw LedgerValueFailure("筛选值不能为空") }
            match = .equals(value)
        }
    }

    /// Whether an item's value for the key passes; an absent value never does.
    public func matches(_ value: LedgerValue?) -> Bool {
        guard let value else { return false }
        switch (match, value) {
        case (.equals(let wanted), _): return value == wanted
        case (.includesOption(let option), .multiChoice(let chosen)): return chosen.contains(option)
        case (.withinDivision(let code), .division(let actual)): return code.contains(actual)
        case (.personName(let name), .person(let p)): return p.name == name
        case (.personPhone(let phone), .person(let p)): return p.phone == phone
        case (.residentID(let id), .residentID(let actual)): return id == actual
        default: return false
        }
    }

    /// Reads every `<prefix><key>` parameter (`f.` or `filter.`), ignoring empty values as an
    /// HTML form sends them; problems are reported at the parameter's name. Conditions come
    /// in the definition's field order.
    static func parseAll(
        prefix: String, _ parameters: [String: String], definition: LedgerDefinition,
        problems: inout ProblemList
    ) -> [LedgerFieldFilter] {
        var filters: [(Int, LedgerFieldFilter)] = []
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) where name.hasPrefix(prefix) {
            guard !TextPolicy.trimmed(value).isEmpty else { continue }
            let key = String(name.dropFirst(prefix.count))
            do {
                let filter = try LedgerFieldFilter(key: key, value: value, definition: definition)
                filters.append((definition.fields.firstIndex { $0.key == key } ?? 0, filter))
            } catch {
                for problem in error.problems { problems.add(name, problem.message) }
            }
        }
        return filters.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
