/// Reads members of a `LedgerInput` object while collecting every problem by JSON path, so
/// a definition or an item with several wrong members is answered once with all of them.
struct LedgerInputReader {
    var problems = ProblemList()
    /// Paths already reported while reading; rules checked later skip them so one mistake
    /// is not reported twice.
    var reported: Set<String> = []

    mutating func fail(_ path: String, _ message: String) {
        problems.add(path, message)
        reported.insert(path)
    }

    /// nil when missing or null.
    static func present(_ input: LedgerInput?) -> LedgerInput? {
        guard let input, input != .null else { return nil }
        return input
    }

    mutating func object(_ input: LedgerInput?, at path: String) -> [String: LedgerInput]? {
        guard let input = Self.present(input) else { fail(path, "不能为空"); return nil }
        guard case .object(let members) = input else { fail(path, "应为对象,收到的是\(input.typeName)"); return nil }
        return members
    }

    mutating func string(_ input: LedgerInput?, at path: String, required: Bool) -> String? {
        guard let input = Self.present(input) else {
            if required { fail(path, "不能为空") }
            return nil
        }
        guard case .string(let text) = input else { fail(path, "应为文本,收到的是\(input.typeName)"); return nil }
        return text
    }

    /// A one-line text through the text policy, or nil after reporting why not.
    mutating func singleLine(_ input: LedgerInput?, at path: String, required: Bool) -> String? {
        guard let raw = string(input, at: path, required: required) else { return nil }
        do { return try TextPolicy.singleLine(raw) } catch { fail(path, error.message); return nil }
    }

    mutating func multiLine(_ input: LedgerInput?, at path: String) -> String? {
        guard let raw = string(input, at: path, required: false) else { return nil }
        do { return try TextPolicy.multiLine(raw) } catch { fail(path, error.message); return nil }
    }

    mutating func bool(_ input: LedgerInput?, at path: String, default value: Bool) -> Bool {
        guard let input = Self.present(input) else { return value }
        guard case .bool(let flag) = input else { fail(path, "应为 true 或 false,收到的是\(input.typeName)"); return value }
        return flag
    }

    mutating func integer(_ input: LedgerInput?, at path: String) -> Int64? {
        guard let input = Self.present(input) else { return nil }
        guard case .integer(let n) = input else { fail(path, "应为整数,收到的是\(input.typeName)"); return nil }
        return n
    }

    mutating func array(_ input: LedgerInput?, at path: String) -> [LedgerInput]? {
        guard let input = Self.present(input) else { return nil }
        guard case .array(let items) = input else { fail(path, "应为数组,收到的是\(input.typeName)"); return nil }
        return items
    }

    /// Problems found later by rules on the built value, minus those at reported paths.
    mutating func merge(_ later: [FieldProblem], skippingUnder prefixes: Set<String> = []) {
        for problem in later
        where !reported.contains(problem.field)
            && !prefixes.contains(where: { problem.field == $0 || problem.field.hasPrefix($0 + ".") })
        {
            problems.add(problem.field, problem.message)
        }
    }
}
