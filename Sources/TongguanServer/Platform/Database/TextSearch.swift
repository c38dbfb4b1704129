import SQLKit

/// Substring search that means what the person typed: `%`, `_` and `\` in the text are
/// matched literally (escaped for LIKE), on both engines.
enum TextSearch {
    /// `%text%` with LIKE's own characters escaped by `\`.
    static func containsPattern(_ text: String) -> String {
        var out = "%"
        for ch in text {
            if ch == "%" || ch == "_" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out + "%"
    }

    /// `table.column LIKE '%text%' ESCAPE '\'`.
    static func contains(_ table: String, _ column: String, _ text: String) -> SQLQueryString {
        "\(ident: table).\(ident: column) LIKE \(bind: containsPattern(text)) ESCAPE '\\'"
    }
}
