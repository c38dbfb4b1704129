import Fluent
import Foundation
import TongguanDomain
import Vapor

/// A project's data fields, every one given: what a new project is made of.
struct ProjectValues: Sendable, Equatable {
    var name: String
    var investorName: String
    var creditCode: String
    var divisionCode: String
    var developmentZone = ""
    var industry: String
    var totalInvestmentFen: Int64
    var expectedAnnualOutputFen: Int64
    var contactPerson = ""
    var contactPhone = ""
    var notes = ""
}

/// A project's editable fields as read from an API body, a form or a sheet row; `nil`
/// means "not given" (a PATCH leaves those as they are).
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

    init() {}

    /// Every field given, as a sheet row states them.
    init(_ v: ProjectValues) {
        name = v.name; investorName = v.investorName; creditCode = v.creditCode; divisionCode = DivisionCode(v.divisionCode)
        developmentZone = v.developmentZone; industry = v.industry; totalInvestmentFen = v.totalInvestmentFen
        expectedAnnualOutputFen = v.expectedAnnualOutputFen; contactPerson = v.contactPerson; contactPhone = v.contactPhone
        notes = v.notes
    }

    /// Reads every field, adding a problem for each bad one; `required` for creation.
    static func read(_ input: inout InputReader, required: Bool) -> ProjectFields {
        typealias K = Project.FieldKeys
        var f = ProjectFields()
        f.name = input.string(K.name.description, required: required, maxLength: 200)
        f.investorName = input.string(K.investorName.description, required: required, maxLength: 200)
        if let raw = input.string(K.creditCode.description, required: required, maxLength: 30) {
            do { f.creditCode = try CreditCode.validate(raw) } catch { input.add(K.creditCode.description, error.message) }
        }
        f.divisionCode = input.divisionCode(K.divisionCode.description, required: required)
        if let d = f.divisionCode, d.level == .province || d.level == .city {
            input.add(K.divisionCode.description, "项目应属于县级或以下区划")
        }
        f.developmentZone = input.string(K.developmentZone.description, maxLength: 100)
        f.industry = input.string(K.industry.description, required: required, maxLength: 50)
        f.totalInvestmentFen = input.integer(K.totalInvestmentFen.description, required: required, range: 0...maxFen)
        f.expectedAnnualOutputFen = input.integer(K.expectedAnnualOutputFen.description, required: required, range: 0...maxFen)
        f.contactPerson = input.string(K.contactPerson.description, maxLength: 50)
        if let raw = input.string(K.contactPhone.description, maxLength: 30), !raw.isEmpty {
            if let phone = PhoneNumber.normalized(raw) {
                f.contactPhone = phone
            } else {
                input.add(K.contactPhone.description, PhoneNumber.problemMessage)
            }
        } else if input.has(K.contactPhone.description) {
            f.contactPhone = ""
        }
        f.notes = input.string(K.notes.description, maxLength: 2000, multiLine: true)
        return f
    }

    /// The checks that need the database: division exists and is in scope, industry is listed.
    func problems(scope: DivisionScope, on db: any Database) async throws -> [FieldProblem] {
        var problems = ProblemList()
        if let d = divisionCode, d.level != .province, d.level != .city {
            let exists = try await Division.find(d.rawValue, on: db) != nil
            if !scope.contains(d) || !exists {
                problems.add(Project.FieldKeys.divisionCode.description, "区划不存在或不在您的管辖范围内")
            }
        }
        if let industry {
            let names = try await Industry.names(on: db)
            if !names.contains(industry) {
                problems.add(Project.FieldKeys.industry.description, "产业类别应为:" + names.joined(separator: "、"))
            }
        }
        return problems.problems
    }

    /// The fields of a new project: what was given, empty text for what was not.
    var newValues: ProjectValues {
        ProjectValues(
            name: name ?? "", investorName: investorName ?? "", creditCode: creditCode ?? "", divisionCode: divisionCode?.rawValue ?? "",
            developmentZone: developmentZone ?? "", industry: industry ?? "", totalInvestmentFen: totalInvestmentFen ?? 0,
            expectedAnnualOutputFen: expectedAnnualOutputFen ?? 0, contactPerson: contactPerson ?? "", contactPhone: contactPhone ?? "",
            notes: notes ?? "")
    }

    /// `current` with the given fields applied, and what changed for the audit trail.
    func applied(to current: ProjectValues) -> (ProjectValues, AuditDiff) {
        var next = current
        var diff = AuditDiff()
        func set<T: Equatable & CustomStringConvertible>(
            _ key: FieldKey, _ keyPath: WritableKeyPath<ProjectValues, T>, _ value: T?, personal: PersonalData? = nil
        ) {
            guard let value, next[keyPath: keyPath] != value else { return }
            diff.add(key.description, before: next[keyPath: keyPath].description, after: value.description, personal: personal)
            next[keyPath: keyPath] = value
        }
        typealias K = Project.FieldKeys
        set(K.name, \.name, name)
        set(K.investorName, \.investorName, investorName)
        set(K.creditCode, \.creditCode, creditCode)
        set(K.divisionCode, \.divisionCode, divisionCode?.rawValue)
        set(K.developmentZone, \.developmentZone, developmentZone)
        set(K.industry, \.industry, industry)
        set(K.totalInvestmentFen, \.totalInvestmentFen, totalInvestmentFen)
        set(K.expectedAnnualOutputFen, \.expectedAnnualOutputFen, expectedAnnualOutputFen)
        set(K.contactPerson, \.contactPerson, contactPerson, personal: .name)
        set(K.contactPhone, \.contactPhone, contactPhone, personal: .phone)
        set(K.notes, \.notes, notes)
        return (next, diff)
    }
}

extension ProjectValues {
    /// Every field that holds something, from nothing: the audit record of a new project
    /// (and, reversed, of a deleted one). Names and phones are masked.
    func auditFields(removed: Bool = false) -> AuditDiff {
        typealias K = Project.FieldKeys
        var diff = AuditDiff()
        func add(_ key: FieldKey, _ value: String, personal: PersonalData? = nil) {
            guard !value.isEmpty else { return }
            if removed {
                diff.add(key.description, before: value, after: nil, personal: personal)
            } else {
                diff.created(key.description, value, personal: personal)
            }
        }
        add(K.name, name)
        add(K.investorName, investorName)
        add(K.creditCode, creditCode)
        add(K.divisionCode, divisionCode)
        add(K.developmentZone, developmentZone)
        add(K.industry, industry)
        add(K.totalInvestmentFen, String(totalInvestmentFen))
        add(K.expectedAnnualOutputFen, String(expectedAnnualOutputFen))
        add(K.contactPerson, contactPerson, personal: .name)
        add(K.contactPhone, contactPhone, personal: .phone)
        add(K.notes, notes)
        return diff
    }
}

extension Project {
    /// The stored data fields.
    var values: ProjectValues {
        get {
            ProjectValues(
                name: name, investorName: investorName, creditCode: creditCode, divisionCode: divisionCode,
                developmentZone: developmentZone, industry: industry, totalInvestmentFen: totalInvestmentFen,
                expectedAnnualOutputFen: expectedAnnualOutputFen, contactPerson: contactPerson, contactPhone: contactPhone, notes: notes)
        }
        set {
            // Assigning only what differs keeps Fluent's UPDATE to the changed columns.
            if name != newValue.name { name = newValue.name }
            if investorName != newValue.investorName { investorName = newValue.investorName }
            if creditCode != newValue.creditCode { creditCode = newValue.creditCode }
            if divisionCode != newValue.divisionCode { divisionCode = newValue.divisionCode }
            if developmentZone != newValue.developmentZone { developmentZone = newValue.developmentZone }
            if industry != newValue.industry { industry = newValue.industry }
            if totalInvestmentFen != newValue.totalInvestmentFen { totalInvestmentFen = newValue.totalInvestmentFen }
            if expectedAnnualOutputFen != newValue.expectedAnnualOutputFen { expectedAnnualOutputFen = newValue.expectedAnnualOutputFen }
            if contactPerson != newValue.contactPerson { contactPerson = newValue.contactPerson }
            if contactPhone != newValue.contactPhone { contactPhone = newValue.contactPhone }
            if notes != newValue.notes { notes = newValue.notes }
        }
    }
}
