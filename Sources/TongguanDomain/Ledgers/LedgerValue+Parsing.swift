/// One thing wrong with one value. A person's value has two parts, so a problem says which
/// one (a sheet reports a phone problem in the `<label>电话` column). Messages never repeat
/// what was typed: the value may be personal data.
public struct LedgerValueProblem: Hashable, Sendable {
    public enum Part: String, Hashable, Sendable { case value, phone }
    public let message: String
    public let part: Part

    public init(_ message: String, part: Part = .value) {
        self.message = message
        self.part = part
    }
}

/// Every problem of one value (a person may have two).
public struct LedgerValueFailure: Error, Equatable, Sendable {
    public let problems: [LedgerValueProblem]
    public init(_ problems: [LedgerValueProblem]) { self.problems = problems }
    init(_ message: String, part: LedgerValueProblem.Part = .value) { problems = [LedgerValueProblem(message, part: part)] }
}

extension LedgerValue {
    public static let maxTextLength = 2000
    public static let maxUnitLength = 100

    /// Reads an API value (JSON types) for `field`; nil when the value is absent (null, a
    /// blank string, an empty array, a person with neither name nor phone).
    public static func parse(json input: LedgerInput, for field: LedgerField) throws(LedgerValueFailure) -> LedgerValue? {
        if input == .null { return nil }
        func wrongType(_ expected: String) -> LedgerValueFailure { LedgerValueFailure("应为\(expected),收到的是\(input.typeName)") }
        switch field.type {
        case .integer:
            guard case .integer(let n) = input else { throw wrongType("整数") }
            return .integer(n)
        case .decimal:
            if case .integer(let n) = input { return try decimal(String(n), field: field) }
            guard case .string(let raw) = input else { throw wrongType("文本形式的小数(如 \"12.50\")或整数") }
            let text = TextPolicy.trimmed(raw)
            return text.isEmpty ? nil : try decimal(text, field: field)
        case .money:
            guard case .integer(let fen) = input else { throw wrongType("以分为单位的整数") }
            guard fen >= 0 else { throw LedgerValueFailure("金额不能为负数") }
            return .money(fen)
        case .bool:
            guard case .bool(let b) = input else { throw wrongType(" true 或 false") }
            return .bool(b)
        case .multiChoice:
            guard case .array(let items) = input else { throw wrongType("选项文本的数组") }
            var texts: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else { throw LedgerValueFailure("第\(i + 1)项应为文本,收到的是\(item.typeName)") }
                texts.append(s)
            }
            return try multiChoice(texts, field: field)
        case .person:
            guard case .object(let members) = input else { throw wrongType("包含 name 和 phone 的对象") }
            func text(_ key: String, _ part: LedgerValueProblem.Part) throws(LedgerValueFailure) -> String {
                guard let member = LedgerInputReader.present(members[key]) else { return "" }
                guard case .string(let s) = member else { throw LedgerValueFailure("\(key) 应为文本,收到的是\(member.typeName)", part: part) }
                return s
            }
            return try person(name: text("name", .value), phone: text("phone", .phone))
        case .text, .date, .choice, .division, .unit, .name, .residentID:
            guard case .string(let raw) = input else { throw wrongType("文本") }
            if field.type == .date {
                let text = TextPolicy.trimmed(raw)
                if text.isEmpty { return nil }
                guard let date = CivilDate(iso: text) else { throw LedgerValueFailure("日期应为 YYYY-MM-DD 格式,如 2024-03-01") }
                return .date(date)
            }
            return try fromText(raw, field: field)
        }
    }

    /// Reads the cells of one field in an imported row (two for a person: name, phone), in
    /// the sheet forms: 是/否, 元 with up to 2 decimals, plain decimals, dates as the project
    /// sheet takes them, option text, options separated by 、. Nil when every cell is empty.
    public static func parse(cells: [SheetCell], for field: LedgerField) throws(LedgerValueFailure) -> LedgerValue? {
        let first = cells.first ?? .text("")
        if field.type == .person {
            let phone = cells.count > 1 ? cells[1].text : ""
            return try person(name: first.text, phone: phone)
        }
        if first.isEmpty { return nil }
        if field.type == .residentID, case .number = first {
            // A spreadsheet keeps 15 significant digits: an 18-digit number has already lost
            // its last three, and one in eleven of those would still pass the checksum.
            throw LedgerValueFailure("身份证号须以文本格式填写(数字格式会丢失后几位)")
        }
        let text = first.text
        switch field.type {
        case .integer:
            let digits: String? =
                switch first {
                case .number(let raw): DecimalText.rounded(raw, places: 6)
                case .text: withoutSeparators(text)
                }
            guard let digits, let n = Int64(digits) else {
                // Only digits after an optional sign, yet no Int64: too many of them.
                let magnitude = digits.map { $0.first == "-" || $0.first == "+" ? String($0.dropFirst()) : $0 } ?? ""
                let tooLarge = !magnitude.isEmpty && magnitude.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                throw LedgerValueFailure(tooLarge ? "数值超出范围" : "应为整数")
            }
            return .integer(n)
        case .decimal:
            return try decimal(withoutSeparators(text), field: field)
        case .money:
            do {
                return .money(try Fen.fromYuan(text))
            } catch {
                switch error {
                case .format: throw LedgerValueFailure("金额应为以元为单位的数字,如 1234.50")
                case .tooManyDecimals: throw LedgerValueFailure("金额最多保留2位小数(单位:元)")
                case .negative: throw LedgerValueFailure("金额不能为负数")
                case .tooLarge: throw LedgerValueFailure("金额超出范围")
                case .misplacedSeparator: throw LedgerValueFailure(error.message)
                }
            }
        case .date:
            guard let date = ProjectSheet.parseDate(first) else { throw LedgerValueFailure("日期应为 2021-07-16、2021/7/16 或 2021年7月16日") }
            return .date(date)
        case .bool:
            switch text {
            case "是": return .bool(true)
            case "否": return .bool(false)
            default: throw LedgerValueFailure("应填写“是”或“否”")
            }
        case .multiChoice:
            return try multiChoice(text.split(separator: LedgerField.optionSeparator).map(String.init), field: field)
        case .text, .choice, .division, .unit, .name, .residentID, .person:
            return try fromText(text, field: field)
        }
    }

    /// Types whose API and sheet forms are the same text.
    static func fromText(_ raw: String, field: LedgerField) throws(LedgerValueFailure) -> LedgerValue? {
        if field.type == .text {
            let text: String
            do { text = try TextPolicy.multiLine(raw) } catch { throw LedgerValueFailure(error.message) }
            if text.isEmpty { return nil }
            guard text.count <= maxTextLength else { throw LedgerValueFailure("不能超过\(maxTextLength)个字符") }
            return .text(text)
        }
        let text: String
        do { text = try TextPolicy.singleLine(raw) } catch { throw LedgerValueFailure(error.message) }
        if text.isEmpty { return nil }
        switch field.type {
        case .choice:
            guard field.options.contains(text) else { throw LedgerValueFailure("不是可选项," + optionList(field)) }
            return .choice(text)
        case .division:
            do { return .division(try DivisionCode(validating: text)) } catch { throw LedgerValueFailure(error.message) }
        case .unit:
            guard text.count <= maxUnitLength else { throw LedgerValueFailure("不能超过\(maxUnitLength)个字符") }
            return .unit(text)
        case .name:
            guard text.count <= LedgerPerson.maxNameLength else { throw LedgerValueFailure("姓名不能超过\(LedgerPerson.maxNameLength)个字符") }
            return .name(text)
        case .residentID:
            do { return .residentID(try ResidentID.validate(text)) } catch { throw LedgerValueFailure(error.message) }
        case .date:
            guard let date = CivilDate(iso: text) else { throw LedgerValueFailure("日期应为 YYYY-MM-DD 格式,如 2024-03-01") }
            return .date(date)
        case .decimal:
            return try decimal(text, field: field)
        default:
            throw LedgerValueFailure("\(field.type.label)字段不能用文本填写")
        }
    }

    static func decimal(_ text: String, field: LedgerField) throws(LedgerValueFailure) -> LedgerValue {
        do {
            return .decimal(try LedgerDecimal(parsing: text, maxScale: field.scale ?? 0))
        } catch {
            throw LedgerValueFailure(error.message)
        }
    }

    static func multiChoice(_ texts: [String], field: LedgerField) throws(LedgerValueFailure) -> LedgerValue? {
        var chosen: Set<String> = []
        var problems: [LedgerValueProblem] = []
        for (i, raw) in texts.enumerated() {
            let text = TextPolicy.trimmed(raw)
            if text.isEmpty { continue }
            if field.options.contains(text) {
                chosen.insert(text)
            } else {
                problems.append(LedgerValueProblem("第\(i + 1)项不是可选项," + optionList(field)))
            }
        }
        if !problems.isEmpty { throw LedgerValueFailure(problems) }
        return chosen.isEmpty ? nil : .multiChoice(field.options.filter(chosen.contains))
    }

    static func person(name rawName: String, phone rawPhone: String) throws(LedgerValueFailure) -> LedgerValue? {
        var problems: [LedgerValueProblem] = []
        var name = "", phone = ""
        do { name = try TextPolicy.singleLine(rawName) } catch { problems.append(LedgerValueProblem("姓名的" + error.message)) }
        do { phone = try TextPolicy.singleLine(rawPhone) } catch { problems.append(LedgerValueProblem("电话的" + error.message, part: .phone)) }
        if problems.isEmpty && name.isEmpty && phone.isEmpty { return nil }
        if problems.isEmpty {
            if name.isEmpty { problems.append(LedgerValueProblem("填写了电话但没有填写姓名")) }
            if name.count > LedgerPerson.maxNameLength { problems.append(LedgerValueProblem("姓名不能超过\(LedgerPerson.maxNameLength)个字符")) }
            if phone.isEmpty {
                problems.append(LedgerValueProblem("填写了姓名但没有填写电话", part: .phone))
            } else if let normalized = PhoneNumber.normalized(phone) {
                phone = normalized
            } else {
                problems.append(LedgerValueProblem(PhoneNumber.problemMessage, part: .phone))
            }
        }
        if !problems.isEmpty { throw LedgerValueFailure(problems) }
        return .person(LedgerPerson(name: name, phone: phone))
    }

    /// `可选:甲、乙、丙`, shortened for long lists (the template lists them all).
    static func optionList(_ field: LedgerField) -> String {
        let shown = field.options.prefix(10).joined(separator: String(LedgerField.optionSeparator))
        return "可选:" + shown + (field.options.count > 10 ? "等\(field.options.count)项(见模板的填写说明)" : "")
    }

    /// Thousands separators and inner spaces, as spreadsheets format numbers.
    static func withoutSeparators(_ text: String) -> String {
        text.filter { $0 != "," && $0 != "," && $0 != " " }
    }
}
