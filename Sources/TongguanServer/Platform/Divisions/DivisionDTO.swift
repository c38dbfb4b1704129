import Vapor

struct DivisionDTO: Content {
    var code: String
    var name: String
    var level: String
    var parentCode: String?

    init(_ d: Division) {
        code = d.id ?? ""
        name = d.name
        level = d.level.rawValue
        parentCode = d.parentCode
    }

    static let schema = JSONSchema.object(
        [
            ("code", .divisionCode), ("name", .string()),
            ("level", .string(values: Division.Level.allCases.map(\.rawValue))),
            ("parent_code", .nullable(.divisionCode)),
        ], required: ["code", "name", "level"])
}
