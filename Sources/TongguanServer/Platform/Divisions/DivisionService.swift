import Fluent
import TongguanDomain
import Vapor

/// Adding and renaming divisions, for the API and the CSV import alike.
enum DivisionService {
    /// A division's name under the text policy, 1 to 50 characters; else the reason.
    static func validName(_ raw: String) -> Result<String, ValidationFailure> {
        do {
            let name = try TextPolicy.singleLine(raw)
            guard (1...50).contains(name.count) else { return .failure(ValidationFailure([FieldProblem(field: "name", message: "名称不能为空且不超过50个字符")])) }
            return .success(name)
        } catch {
            return .failure(ValidationFailure([FieldProblem(field: "name", message: error.message)]))
        }
    }

    /// Creates or renames; the caller has already checked scope and that the parent exists.
    static func upsert(code: DivisionCode, name: String, on tx: any Database, audit: AuditRecorder) async throws -> Division {
        if let existing = try await Division.find(code.rawValue, on: tx) {
            guard existing.name != name else { return existing }
            var diff = AuditDiff()
            diff.add("name", before: existing.name, after: name)
            existing.name = name
            try await existing.save(on: tx)
            audit.record("division.update", entityType: "division", entityID: code.rawValue, divisionCode: code.rawValue, changes: diff.changes)
            return existing
        }
        var parentCode: String? = nil
        if let parent = code.parent, try await Division.find(parent.rawValue, on: tx) != nil { parentCode = parent.rawValue }
        let division = Division(code: code, name: name, parentCode: parentCode)
        try await division.create(on: tx)
        audit.record(
            "division.create", entityType: "division", entityID: code.rawValue, divisionCode: code.rawValue,
            changes: [AuditChange(field: "name", before: nil, after: name)])
        return division
    }
}
