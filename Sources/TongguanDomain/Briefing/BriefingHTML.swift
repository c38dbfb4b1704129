import Foundation

/// The HTML form of a rendered briefing. Template text is escaped, never interpreted as
/// HTML; blank lines make paragraphs, single line breaks `<br>`, and a paragraph starting
/// with `#`…`######` and a space a heading. Other Markdown is shown as written.
extension RenderedBriefing {
    /// `link` gives the address of a figure's records (nil: no link); the domain escapes it.
    public func html(link: (FigureRequest) -> String?) -> String {
        var out = ""
        if !gaps.isEmpty {
            out += "<div class=\"briefing-gaps\"><p>本简报有\(gaps.count)处数据缺失:</p><ul>"
            for gap in gaps {
                out += "<li><a href=\"#fn-\(gap.number)\">\(BriefingHTML.escape(gap.marker))</a>\(BriefingHTML.escape(gap.reason))</li>"
            }
            out += "</ul></div>\n"
        }
        var body = ""
        for piece in pieces {
            switch piece {
            case .text(let s):
                body += BriefingHTML.escape(s)
            case .figure(let f):
                let reference = "<sup id=\"fnref-\(f.number)\"><a href=\"#fn-\(f.number)\">\(f.number)</a></sup>"
                if f.isGap {
                    body += "<mark class=\"gap\">\(BriefingHTML.escape(f.text))</mark>" + reference
                } else if let href = link(f.request) {
                    body += "<a class=\"figure\" href=\"\(BriefingHTML.escape(href))\">\(BriefingHTML.escape(f.text))</a>" + reference
                } else {
                    body += "<span class=\"figure\">\(BriefingHTML.escape(f.text))</span>" + reference
                }
            }
        }
        out += "<div class=\"briefing-body\">" + BriefingHTML.paragraphs(body) + "</div>\n"
        if !footnotes.isEmpty {
            out += "<ol class=\"briefing-footnotes\">"
            for note in footnotes {
                out += "<li id=\"fn-\(note.number)\">\(BriefingHTML.escape(note.text)) <a href=\"#fnref-\(note.number)\">↩</a></li>"
            }
            out += "</ol>\n"
        }
        return out
    }
}

public enum BriefingHTML {
    /// Text safe inside an element or a quoted attribute.
    public static func escape(_ text: String) -> String { Markup.escape(text) }

    /// Already-escaped text cut into paragraphs and headings.
    static func paragraphs(_ escaped: String) -> String {
        let normalized = escaped.replacingOccurrences(of: "\r\n", with: "\n")
        var blocks: [String] = []
        var current: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\u{3000}" }) {
                if !current.isEmpty { blocks.append(block(current)); current = [] }
            } else {
                current.append(String(line))
            }
        }
        if !current.isEmpty { blocks.append(block(current)) }
        return blocks.joined(separator: "\n")
    }

    private static func block(_ lines: [String]) -> String {
        let first = lines[0]
        let hashes = first.prefix { $0 == "#" }.count
        if (1...6).contains(hashes), lines.count == 1, first.dropFirst(hashes).first == " " {
            let title = first.dropFirst(hashes + 1)
            return "<h\(hashes)>\(title)</h\(hashes)>"
        }
        return "<p>" + lines.joined(separator: "<br>") + "</p>"
    }
}
