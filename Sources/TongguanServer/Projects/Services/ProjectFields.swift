import Fluent
import Foundation
import TongguanDomain
import Vapor

/// A project's editable fields as read from an API body or a form; `nil` means "not given"
/// (a PATCH leaves those as they are).
struct ProjectFields: Sendable {
    var name: String?
    var investorName: String?
    var creditCode: String?
    var divisionCode: DivisionCode?
    var developmentZone: String?
    var industry: String?
    var totalInvestmentFen: Int64?
    var expectedAnnualOutputFen: Int64?
    var contactPerson: String?
    var contactPhone: String?
    var notes: String?

    static let maxFen: Int64 = 100_000_000_000_000_000 / 100  // 10 万亿元: far above any project

    /// Reads every field, adding a problem for each bad one; `required` for creation.
    static func read(_ input: inout InputReader, required: Bool) -> ProjectFields {
        var f = ProjectFields()
        f.name = input.string("name", required: required, maxLength: 200)
        f.investorName = input.string("investor_name", required: required, maxLength: 200)
        if let raw = input.string("credit_code", required: required, maxLength: 30) {
            do { f.creditCode = try CreditCode.validate(raw) } catch { input.add("credit_code", error.message) }
        }
        f.divisionCode = input.divisionCode("division_code", required: required)
        if let d = f.divisionCode, d.level == .province || d.level == .city {
            input.add("division_code", "项目应属于县级或以下区划")
        }
        f.developmentZone = input.string("development_zone", maxLength: 100)
        f.industry = input.string("industry", required: required, maxLength: 50)
        f.totalInvestmentFen = input.integer("total_investment_fen", required: required, range: 0...maxFen)
        f.expectedAnnualOutputFen = input.integer("expected_annual_output_fen", required: required, range: 0...maxFen)
        f.contactPerson = input.string("contact_person", maxLength: 50)
        if let raw = input.string("contact_phone", maxLength: 30), !raw.isEmpty {
            if let phone = PhoneNumber.normalized(raw) { f.contactPhone = phone } else { input.add("contact_phone", PhoneNumber.problemMessage) }
        } else if input.has("contact_phone") {
            f.contactPhone = ""
        }
        f.notes = input.string("notes", maxLength: 2000, multiLine: true)
        return f
    }

    /// The checks that need the database: division exists and is in scope, industry is listed.
    func problems(scope: DivisionScope, on db: any Database) async throws -> [FieldProblem] {
        var problems = ProblemList()
        if let d = divisionCode, d.level != .province, d.level != .city {
            let exists = try await Division.find(d.rawValue, on: db) != nil
            if !scope.contains(d) || !exists {
                problems.add("division_code", "区划不存在或不在您的管辖范围内")
            }
        }
        if let industry {
            let names = try await Industry.names(on: db)
            if !names.contains(industry) { problems.add("industry", "产业类别应为:" + names.joined(separator: "、")) }
        }
        return problems.problems
    }

    /// Applies the given fields and returns what changed, for the audit trail.
    func apply(to p: Project) -> AuditDiff {
        var diff = AuditDiff()
        func set<T: Equatable & CustomStringConvertible>(
            _ field: String, _ keyPath: ReferenceWritableKeyPath<Project, T>, _ value: T?, personal: PersonalData? = nil
        ) {
            guard let value else { return }
            let isNew = p.id == nil
            let before = isNew ? nil : p[keyPath: keyPath].description
            if isNew || p[keyPath: keyPath] != value {
                diff.add(field, before: before, after: value.description, personal: personal)
                p[keyPath: keyPath] = value
            }
        }
        set("name", \.name, name)
        set("investor_name", \.investorName, investorName)
        set("credit_code", \.creditCode, creditCode)
        set("division_code", \.divisionCode, divisionCode?.rawValue)
        set("development_zone", \.developmentZone, developmentZone)
        set("industry", \.industry, industry)
        set("total_investment_fen", \.totalInvestmentFen, totalInvestmentFen)
        set("expected_annual_output_fen", \.expectedAnnualOutputFen, expectedAnnualOutputFen)
        set("contact_person", \.contactPerson, contactPerson, personal: .name)
        set("contact_phone", \.contactPhone, contactPhone, personal: .phone)
        set("notes", \.notes, notes)
        return diff
    }
}

extension Project {
    /// A new project with empty optional fields, ready for `ProjectFields.apply`.
    static func blank() -> Project {
        let p = Project()
        p.developmentZone = ""; p.contactPerson = ""; p.contactPhone = ""; p.notes = ""
        p.name = ""; p.investorName = ""; p.creditCode = ""; p.divisionCode = ""; p.industry = ""
        p.totalInvestmentFen = 0; p.expectedAnnualOutputFen = 0; p.version = 1
        return p
    }
}
