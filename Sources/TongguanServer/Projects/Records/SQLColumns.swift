import Fluent
import SQLKit

extension SQLQueryString {
    /// A column named by its field key, so raw SQL uses the names the models declare: `"name"`.
    mutating func appendInterpolation(col key: FieldKey) {
        appendInterpolation(ident: key.description)
    }

    /// A column of a table or alias: `"p"."name"`.
    mutating func appendInterpolation(col alias: String, _ key: FieldKey) {
        appendInterpolation(ident: alias)
        appendLiteral(".")
        appendInterpolation(ident: key.description)
    }
}
