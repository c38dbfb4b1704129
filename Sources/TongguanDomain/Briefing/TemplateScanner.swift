/// Splits template text into literal text and `{{ … }}` placeholders.
///
/// - `\{{` is a literal `{{`; a backslash anywhere else is itself.
/// - A placeholder ends at the first `}}` outside quotes on the same line; one that reaches
///   the end of its line, or meets another `{{` first, is reported as unclosed and kept as
///   text so the scan goes on and finds every other problem.
enum TemplateScanner {
    enum Piece: Equatable {
        case text(String)
        /// The characters between the braces, the location of `{{`, and where the body starts.
        case placeholder(body: [Character], at: TemplateLocation, bodyStart: TemplateLocation)
    }

    static let quotePairs: [Character: Character] = ["\"": "\"", "“": "”"]

    static func isNewline(_ c: Character) -> Bool { c == "\n" || c == "\r\n" || c == "\r" }

    static func scan(_ text: String) -> (pieces: [Piece], problems: [TemplateProblem]) {
        let chars = Array(text)
        var pieces: [Piece] = []
        var problems: [TemplateProblem] = []
        var buffer = ""
        var line = 1, column = 1
        var i = 0
        func at(_ k: Int, _ c: Character) -> Bool { k < chars.count && chars[k] == c }
        func flush() {
            if !buffer.isEmpty { pieces.append(.text(buffer)) }
            buffer = ""
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\\", at(i + 1, "{"), at(i + 2, "{") {
                buffer += "{{"
                i += 3
                column += 3
                continue
            }
            if c == "{", at(i + 1, "{") {
                let open = TemplateLocation(line: line, column: column)
                switch closing(chars, from: i + 2) {
                case .closed(let end):
                    flush()
                    pieces.append(
                        .placeholder(
                            body: Array(chars[(i + 2)..<end]), at: open,
                            bodyStart: TemplateLocation(line: line, column: column + 2)))
                    column += end + 2 - i
                    i = end + 2
                    continue
                case .endOfLine:
                    problems.append(TemplateProblem(open, "占位符没有闭合:同一行内缺少「}}」(占位符不能跨行;要写字面的{{请写作\\{{)"))
                case .nested:
                    problems.append(TemplateProblem(open, "占位符没有闭合:在下一个「{{」之前缺少「}}」"))
                case .openQuote:
                    problems.append(TemplateProblem(open, "占位符没有闭合:引号没有配对"))
                }
                buffer += "{{"
                i += 2
                column += 2
                continue
            }
            buffer.append(c)
            i += 1
            if isNewline(c) { line += 1; column = 1 } else { column += 1 }
        }
        flush()
        return (pieces, problems)
    }

    enum Closing { case closed(Int), endOfLine, nested, openQuote }

    /// Where the `}}` closing a placeholder whose body starts at `start` is.
    static func closing(_ chars: [Character], from start: Int) -> Closing {
        var j = start
        var quoteEnd: Character?
        while j < chars.count, !isNewline(chars[j]) {
            let c = chars[j]
            if let end = quoteEnd {
                if c == "\\" { j += 2; continue }
                if c == end { quoteEnd = nil }
            } else if let end = quotePairs[c] {
                quoteEnd = end
            } else if c == "}", j + 1 < chars.count, chars[j + 1] == "}" {
                return .closed(j)
            } else if c == "{", j + 1 < chars.count, chars[j + 1] == "{" {
                return .nested
            }
            j += 1
        }
        return quoteEnd == nil ? .endOfLine : .openQuote
    }
}
