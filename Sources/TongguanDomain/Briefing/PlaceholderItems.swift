/// The `|`-separated items of one placeholder body: `name: value` pairs and bare words,
/// each with the column where it starts. `|` and `:` may also be typed full-width (`|` `:`).
struct PlaceholderItem: Equatable {
    /// Nil for a bare word (`亿元`) and for a head without `ranking:`.
    var name: String?
    var value: String
    var nameAt: TemplateLocation
    var valueAt: TemplateLocation
}

enum PlaceholderItems {
    static func isPipe(_ c: Character) -> Bool { c == "|" || c == "|" }
    static func isColon(_ c: Character) -> Bool { c == ":" || c == ":" }
    static func isBlank(_ c: Character) -> Bool { c.unicodeScalars.allSatisfy { $0.properties.isWhitespace } }

    /// Items of `body`, which starts at `start`, one per `|`-separated part (nil where the
    /// part is malformed, with its problem).
    static func parse(_ body: [Character], start: TemplateLocation) -> (items: [PlaceholderItem?], problems: [TemplateProblem]) {
        func loc(_ offset: Int) -> TemplateLocation { TemplateLocation(line: start.line, column: start.column + offset) }
        // Cut at pipes outside quotes.
        var ranges: [Range<Int>] = []
        var from = 0, j = 0
        var quoteEnd: Character?
        while j < body.count {
            let c = body[j]
            if let end = quoteEnd {
                if c == "\\" { j += 2; continue }
                if c == end { quoteEnd = nil }
            } else if let end = TemplateScanner.quotePairs[c] {
                quoteEnd = end
            } else if isPipe(c) {
                ranges.append(from..<j)
                from = j + 1
            }
            j += 1
        }
        ranges.append(from..<body.count)

        var items: [PlaceholderItem?] = []
        var problems: [TemplateProblem] = []
        for (index, range) in ranges.enumerated() {
            var lower = range.lowerBound, upper = range.upperBound
            while lower < upper, isBlank(body[lower]) { lower += 1 }
            while upper > lower, isBlank(body[upper - 1]) { upper -= 1 }
            guard lower < upper else {
                let message =
                    ranges.count == 1
                    ? "占位符是空的,应写指标编码,如 {{ projects.signed.count }}"
                    : index == 0 ? "「|」前缺少指标编码" : "「|」后缺少内容"
                problems.append(TemplateProblem(loc(min(range.lowerBound, max(body.count - 1, 0))), message))
                items.append(nil)
                continue
            }
            switch item(body, lower..<upper, loc: loc) {
            case .success(let item): items.append(item)
            case .failure(let problem):
                problems.append(problem)
                items.append(nil)
            }
        }
        return (items, problems)
    }

    private static func item(_ body: [Character], _ range: Range<Int>, loc: (Int) -> TemplateLocation) -> Result<PlaceholderItem, TemplateProblem> {
        // The first colon outside quotes separates name and value.
        var colon: Int?
        var k = range.lowerBound
        while k < range.upperBound {
            if TemplateScanner.quotePairs[body[k]] != nil { break }
            if isColon(body[k]) { colon = k; break }
            k += 1
        }
        guard let colon else {
            let word = String(body[range])
            if word.contains(where: isBlank) || TemplateScanner.quotePairs[body[range.lowerBound]] != nil {
                return .failure(TemplateProblem(loc(range.lowerBound), "「\(word)」不是参数:参数写作「名称: 值」,单位词(如 亿元)单独写"))
            }
            return .success(PlaceholderItem(name: nil, value: word, nameAt: loc(range.lowerBound), valueAt: loc(range.lowerBound)))
        }
        var nameEnd = colon
        while nameEnd > range.lowerBound, isBlank(body[nameEnd - 1]) { nameEnd -= 1 }
        let name = String(body[range.lowerBound..<nameEnd])
        guard !name.isEmpty else { return .failure(TemplateProblem(loc(colon), "「:」前缺少参数名")) }
        var v = colon + 1
        while v < range.upperBound, isBlank(body[v]) { v += 1 }
        guard v < range.upperBound else { return .failure(TemplateProblem(loc(colon), "参数「\(name)」缺少值")) }
        if let close = TemplateScanner.quotePairs[body[v]] {
            var value = ""
            var q = v + 1
            var closed = false
            while q < range.upperBound {
                let c = body[q]
                if c == "\\", q + 1 < range.upperBound { value.append(body[q + 1]); q += 2; continue }
                if c == close { closed = true; q += 1; break }
                value.append(c)
                q += 1
            }
            guard closed else { return .failure(TemplateProblem(loc(v), "参数「\(name)」的引号没有配对")) }
            guard q == range.upperBound else {
                return .failure(TemplateProblem(loc(q), "参数「\(name)」的引号后还有多余内容,值应整体放在引号内"))
            }
            return .success(PlaceholderItem(name: name, value: value, nameAt: loc(range.lowerBound), valueAt: loc(v)))
        }
        let value = String(body[v..<range.upperBound])
        if value.contains(where: isBlank) {
            return .failure(TemplateProblem(loc(v), "参数「\(name)」的值含有空格,请用双引号括起来,如 \(name): \"\(value)\""))
        }
        if value.contains(where: { TemplateScanner.quotePairs[$0] != nil || $0 == "”" }) {
            return .failure(TemplateProblem(loc(v), "参数「\(name)」的值中有引号:整个值应放在一对引号内,引号本身写作 \\\""))
        }
        return .success(PlaceholderItem(name: name, value: value, nameAt: loc(range.lowerBound), valueAt: loc(v)))
    }
}
