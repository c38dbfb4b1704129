import Foundation

/// The small part of Markdown that the help texts of this module use (the template syntax,
/// the target status rule), as HTML for their pages: headings, paragraphs, fenced code
/// blocks, pipe tables, numbered and bulleted lists (one level of nesting by indentation),
/// `code` and **bold**. Every character of the text is escaped first, so nothing in it can
/// become markup of its own. Briefing text itself is rendered by `RenderedBriefing.html`.
public enum DocumentationHTML {
    public static func render(_ markdown: String) -> String {
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        var out: [String] = []
        var i = 0
        var paragraph: [String] = []
        func flushParagraph() {
            if !paragraph.isEmpty { out.append("<p>" + paragraph.map(inline).joined(separator: "<br>") + "</p>") }
            paragraph = []
        }
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                flushParagraph()
                var code: [String] = []
                i += 1
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                    code.append(Markup.escape(lines[i]))
                    i += 1
                }
                out.append("<pre><code>" + code.joined(separator: "\n") + "</code></pre>")
                i += 1
                continue
            }
            if trimmed.isEmpty {
                flushParagraph()
                i += 1
                continue
            }
            let hashes = trimmed.prefix { $0 == "#" }.count
            if (1...6).contains(hashes), trimmed.dropFirst(hashes).first == " " {
                flushParagraph()
                out.append("<h\(hashes)>" + inline(String(trimmed.dropFirst(hashes + 1))) + "</h\(hashes)>")
                i += 1
                continue
            }
            if trimmed.hasPrefix("|") {
                flushParagraph()
                var rows: [[String]] = []
                while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                    rows.append(cells(lines[i].trimmingCharacters(in: .whitespaces)))
                    i += 1
                }
                out.append(table(rows))
                continue
            }
            if listMarker(trimmed) != nil {
                flushParagraph()
                var items: [(indent: Int, ordered: Bool, text: String)] = []
                while i < lines.count {
                    let l = lines[i]
                    let t = l.trimmingCharacters(in: .whitespaces)
                    guard let (ordered, text) = listMarker(t) else { break }
                    items.append((l.prefix { $0 == " " }.count, ordered, text))
                    i += 1
                }
                out.append(list(items))
                continue
            }
            paragraph.append(trimmed)
            i += 1
        }
        flushParagraph()
        return out.joined(separator: "\n")
    }

    /// `- text`, `* text` or `1. text`: whether it is numbered, and the text.
    static func listMarker(_ line: String) -> (Bool, String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCIIDigitChar }
        if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") { return (true, String(line.dropFirst(digits.count + 2))) }
        return nil
    }

    static func list(_ items: [(indent: Int, ordered: Bool, text: String)]) -> String {
        guard let first = items.first else { return "" }
        let base = first.indent
        let tag = first.ordered ? "ol" : "ul"
        var out = "<\(tag)>"
        var j = 0
        while j < items.count {
            out += "<li>" + inline(items[j].text)
            var nested: [(indent: Int, ordered: Bool, text: String)] = []
            while j + 1 < items.count, items[j + 1].indent > base {
                nested.append(items[j + 1])
                j += 1
            }
            if !nested.isEmpty { out += list(nested) }
            out += "</li>"
            j += 1
        }
        return out + "</\(tag)>"
    }

    static func cells(_ line: String) -> [String] {
        var body = Substring(line)
        if body.hasPrefix("|") { body = body.dropFirst() }
        if body.hasSuffix("|") { body = body.dropLast() }
        // A `|` inside backquotes belongs to the cell (`{{ … | 万 }}`).
        var result: [String] = []
        var current = ""
        var inCode = false
        for c in body {
            if c == "`" { inCode.toggle() }
            if c == "|" && !inCode {
                result.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        result.append(current.trimmingCharacters(in: .whitespaces))
        return result
    }

    static func table(_ rows: [[String]]) -> String {
        let isRule = { (row: [String]) in row.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 == "-" || $0 == ":" } } }
        var header: [String]?
        var body = rows
        if rows.count >= 2, isRule(rows[1]) {
            header = rows[0]
            body = Array(rows.dropFirst(2))
        }
        var out = "<div class=\"table-wrap\"><table>"
        if let header { out += "<thead><tr>" + header.map { "<th>" + inline($0) + "</th>" }.joined() + "</tr></thead>" }
        out += "<tbody>" + body.map { "<tr>" + $0.map { "<td>" + inline($0) + "</td>" }.joined() + "</tr>" }.joined() + "</tbody>"
        return out + "</table></div>"
    }

    /// `code` and **bold**, on escaped text; an unpaired marker stays as written.
    static func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let tick = rest.firstIndex(of: "`") {
            let after = rest[rest.index(after: tick)...]
            guard let close = after.firstIndex(of: "`") else { break }
            out += bold(Markup.escape(String(rest[..<tick]))) + "<code>" + Markup.escape(String(after[..<close])) + "</code>"
            rest = after[after.index(after: close)...]
        }
        return out + bold(Markup.escape(String(rest)))
    }

    static func bold(_ escaped: String) -> String {
        let parts = escaped.components(separatedBy: "**")
        guard parts.count >= 3 else { return escaped }
        var out = ""
        for (k, part) in parts.enumerated() {
            if k == 0 {
                out += part
            } else if k % 2 == 1 {
                // An odd marker opens only when a closing one follows.
                out += k + 1 < parts.count ? "<strong>" + part : "**" + part
            } else {
                out += "</strong>" + part
            }
        }
        return out
    }
}
