import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The peer groups: each group's plan year and members; administrators add a group.
struct PeerPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let peers = routes.grouped("indicators", "peers")
        peers.get(use: list)
        peers.post(use: create)
    }

    struct Group: Encodable, Sendable {
        var label: String
        var members: String
    }

    struct Form: Content {
        var name: String?
        var year: String?
        var members: String?
    }

    struct Body: Encodable, Sendable {
        var groups: [Group]
        var canDefine: Bool
        var form: Form
        var errors: [FieldProblem]?
    }

    func list(req: Request) async throws -> Response { try await page(req, form: Form(), errors: []) }

    func page(_ req: Request, form: Form, errors: [FieldProblem], status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.caller
        let groups = try await PeerService.groups(caller.scope, on: req.db)
        let body = Body(
            groups: groups.map { Group(label: $0.group.label, members: $0.group.members.map { "\($0.name)(\($0.code))" }.joined(separator: "、")) },
            canDefine: caller.role.canManageUsers, form: form, errors: errors.isEmpty ? nil : errors)
        return try await req.page(
            "indicators/peers", title: "比较组", active: "/indicators", status: status, error: errors.isEmpty ? nil : "请修改标出的问题", body)
    }

    /// Members are lines of `名称,代码`.
    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let form = try req.content.decode(Form.self)
        var problems = ProblemList()
        var members: [PeerMember] = []
        for (i, line) in (form.members ?? "").split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(whereSeparator: { $0 == "," || $0 == "," }).map { TextPolicy.trimmed(String($0)) }
            guard parts.count == 2 else {
                problems.add("members", "第\(i + 1)行应写作「名称,代码」")
                continue
            }
            members.append(PeerMember(name: parts[0], code: parts[1]))
        }
        let year = Int(TextPolicy.trimmed(form.year ?? ""))
        if year == nil { problems.add("year", "应为四位年份,如 2018") }
        var group: PeerGroup?
        do { group = try PeerGroup.validated(name: form.name ?? "", year: year ?? 0, members: members) } catch {
            for p in error.problems where p.field != "year" || year != nil { problems.add(p.field, p.message) }
        }
        guard problems.isEmpty, let group else { return try await page(req, form: form, errors: problems.problems, status: .unprocessableEntity) }
        do {
            _ = try await PeerService.create(group, division: caller.scope.root, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            return try await page(req, form: form, errors: FormErrors(refusal).fields, status: FormErrors(refusal).status)
        }
        return req.redirect(to: "/indicators/peers?notice=created")
    }
}
