import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The household page's change forms: a member leaves, moves to another household, the head
/// hands over (户主变更), the household is closed (each asks to confirm).
extension RegistryPages {
    // MARK: leave, transfer, close (each form asks to confirm)

    struct ChangeForm: Content {
        var member_id: String?
        var reason: String?
        var date: String?
        var new_head_id: String?
        var to_household_code: String?
        var relation: String?
        var confirm: String?
    }

    /// Runs a change from the household page; a refusal or a bad field is shown on the page.
    func change(
        _ req: Request, _ household: Household, _ form: ChangeForm, _ body: () async throws -> String
    ) async throws -> Response {
        guard form.confirm == "on" else {
            return try await detail(req, household, status: .unprocessableEntity, error: "请勾选「确认」后再提交")
        }
        do {
            return req.redirect(to: try await body())
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            let detailText = ([errors.message] + errors.fields.map { Optional($0.message) }).compactMap { $0 }.joined(separator: ";")
            return try await detail(req, household, status: errors.status, error: detailText)
        } catch let failure as ValidationFailure {
            return try await detail(req, household, status: .unprocessableEntity, error: failure.problems.map(\.message).joined(separator: ";"))
        }
    }

    static func member(_ raw: String?, of household: Household, on db: any Database) async throws -> Member {
        guard let raw, let id = UUID(uuidString: raw), let member = try await Member.find(id, on: db), member.householdID == household.id
        else { throw Refusal.invalid([FieldProblem(field: "member_id", message: "请选择本户的一名在户成员")]) }
        return member
    }

    func leave(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        let household = try await HouseholdsAPI.household(req)
        let form = try req.content.decode(ChangeForm.self)
        return try await change(req, household, form) {
            let member = try await Self.member(form.member_id, of: household, on: req.db)
            let departure = try RegistryForms.departure(reason: form.reason ?? "", date: form.date ?? "")
            let newHead = form.new_head_id.flatMap { UUID(uuidString: $0) }
            try await RegistryService.leave(member, in: household, departure, newHead: newHead, actor: req.auditActor, on: req.db)
            return "/monitoring/households/\(household.code)"
        }
    }

    func transfer(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let household = try await HouseholdsAPI.household(req)
        let form = try req.content.decode(ChangeForm.self)
        return try await change(req, household, form) {
            let member = try await Self.member(form.member_id, of: household, on: req.db)
            let code = (form.to_household_code ?? "").trimmingCharacters(in: .whitespaces)
            guard (try? HouseholdCode(validating: code)) != nil else {
                throw Refusal.invalid([FieldProblem(field: "to_household_code", message: "转入户码有误(17位,末位为校验码),请核对")])
            }
            let target = try await RegistryFinder.household(code: code, in: caller.scope, on: req.db)
            guard let relation = form.relation.flatMap({ TongguanDomain.Relation(rawValue: $0) }) else {
                throw Refusal.invalid([FieldProblem(field: "relation", message: "请选择在转入户中与户主的关系")])
            }
            let newHead = form.new_head_id.flatMap { UUID(uuidString: $0) }
            try await RegistryService.transfer(
                member, from: household, to: target, relation: relation, newSourceHead: newHead, actor: req.auditActor, on: req.db)
            return "/monitoring/households/\(target.code)"
        }
    }

    func close(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        let household = try await HouseholdsAPI.household(req)
        let form = try req.content.decode(ChangeForm.self)
        return try await change(req, household, form) {
            let closure = try RegistryForms.closure(reason: form.reason ?? "", date: form.date ?? "")
            try await RegistryService.close(household, closure, actor: req.auditActor, on: req.db)
            return "/monitoring/households/\(household.code)"
        }
    }

    // MARK: 户主变更

    /// The hand-over form: the new head, `relation_<member id>` for each member whose relation
    /// to the new head is restated (empty: unchanged), `former_head_leaves` with a reason and
    /// a date when the former head leaves in the same step, and the version the page was read at.
    static func headHandOver(_ form: [String: String]) throws -> RegistryService.HeadHandOver {
        var problems: [FieldProblem] = []
        let newHead = form["member_id"].flatMap { UUID(uuidString: $0) }
        if newHead == nil { problems.append(FieldProblem(field: "member_id", message: "请选择新户主(本户另一名在户成员)")) }
        var relations: [UUID: TongguanDomain.Relation] = [:]
        for (key, raw) in form.sorted(by: { $0.key < $1.key }) where key.hasPrefix("relation_") && !raw.isEmpty {
            guard let id = UUID(uuidString: String(key.dropFirst("relation_".count))), let relation = TongguanDomain.Relation(rawValue: raw)
            else {
                problems.append(FieldProblem(field: "relations", message: "与新户主的关系取值不正确"))
                continue
            }
            if id != newHead { relations[id] = relation }
        }
        var departure: Departure?
        if form["former_head_leaves"] == "on" {
            do { departure = try RegistryForms.departure(reason: form["reason"] ?? "", date: form["date"] ?? "") } catch {
                problems += error.problems.map { FieldProblem(field: "former_head_departure.\($0.field)", message: "原户主离户:" + $0.message) }
            }
        }
        if !problems.isEmpty { throw Refusal.invalid(problems) }
        return RegistryService.HeadHandOver(newHead: newHead!, relations: relations, formerHeadDeparture: departure)
    }

    func handOver(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        let household = try await HouseholdsAPI.household(req)
        let form = try req.content.decode([String: String].self)
        return try await change(req, household, ChangeForm(confirm: form["confirm"])) {
            let change = try Self.headHandOver(form)
            // The version the page was read at is the one the change must find; a copy of the
            // record carries it, so a refused change re-renders the page at the stored version.
            let target = try await HouseholdsAPI.household(req)
            target.version = form["version"].flatMap { Int($0) } ?? -1
            try await RegistryService.handOver(target, change, actor: req.auditActor, on: req.db)
            return "/monitoring/households/\(household.code)"
        }
    }
}
