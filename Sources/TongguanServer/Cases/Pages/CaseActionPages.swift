import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The handlers of a case page's forms: a workflow step, subtasks, supervision and the two
/// reveals. Each write is the services' (the API's); a refusal re-renders the case page with
/// its messages.
extension CasePages {
    /// Runs a write; a refusal re-renders the case with its messages.
    func attempt(_ req: Request, _ c: CaseRecord, _ write: () async throws -> Void) async throws -> Response {
        do {
            try await write()
            return req.redirect(to: "/cases/\(c.id!.uuidString)?notice=saved")
        } catch let refusal as Refusal where refusal.kind != .notFound {
            let errors = FormErrors(refusal)
            let fresh = try await CaseService.find(c.id!.uuidString, in: try req.caller.scope, on: req.db)
            return try await Self.detail(req: req, c: fresh, status: errors.status, error: errors.message, errors: errors.fields)
        }
    }

    struct ActionFormBody: Content {
        var action: String?
        var date: String?
        var note: String?
        var unit_id: String?
        var reason: String?
        var days: String?
        var outcome: String?
        var text: String?
        var satisfaction: String?
    }

    func act(req: Request) async throws -> Response {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(ActionFormBody.self)
        return try await attempt(req, c) {
            guard let name = form.action.flatMap(CaseAction.Name.init(rawValue:)) else { throw Refusal.invalid("action", "请选择办理步骤") }
            var days: Int? = nil
            if let raw = form.days?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                guard let n = Int(raw) else { throw Refusal.invalid("days", "延期天数应为整数") }
                days = n
            }
            let input = CaseActionInput(
                unitId: form.unit_id, reason: form.reason, days: days, outcome: form.outcome, text: form.text, satisfaction: form.satisfaction,
                date: form.date, note: form.note)
            let request = try CaseRequest(name: name, input: input, today: CaseClock.today())
            try await CaseService.act(c.id!, request, caller: caller, actor: req.auditActor, on: req.db)
        }
    }

    struct SubtaskForm: Content {
        var unit_id: String?
        var person: String?
        var description: String?
        var deadline: String?
        var date: String?
        var note: String?
    }

    func addSubtask(req: Request) async throws -> Response {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(SubtaskForm.self)
        return try await attempt(req, c) {
            let input = CaseSubtaskInput(
                unitId: form.unit_id, person: form.person, description: form.description, deadline: form.deadline, date: form.date)
            try await CaseService.addSubtask(c.id!, input, caller: caller, actor: req.auditActor, on: req.db)
        }
    }

    func completeSubtask(req: Request) async throws -> Response {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let s = try await CaseService.findSubtask(req.parameters.get("sid"), of: c, on: req.db)
        let form = try req.content.decode(SubtaskForm.self)
        return try await attempt(req, c) {
            let date = try Self.date(form.date)
            try await CaseService.completeSubtask(
                c.id!, subtaskID: s.id!, note: form.note, date: date, caller: caller, actor: req.auditActor, on: req.db)
        }
    }

    static func date(_ raw: String?) throws -> CivilDate {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return CaseClock.today() }
        do { return try CivilDate.validatingISO(raw) } catch { throw Refusal.invalid("date", error.message) }
    }

    struct SupervisionForm: Content {
        var level: String?
        var note: String?
        var date: String?
    }

    func supervise(req: Request) async throws -> Response {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(SupervisionForm.self)
        return try await attempt(req, c) {
            try await CaseService.supervise(
                c.id!, level: form.level.flatMap(SupervisionLevel.init(rawValue:)), note: form.note, date: try Self.date(form.date), caller: caller,
                actor: req.auditActor, on: req.db)
        }
    }

    struct RevealForm: Content {
        var reason: String?
    }

    /// The requester's clear phone (and ID) on the page, with a reason, audited.
    func revealRequester(req: Request) async throws -> Response {
        try await revealing(req) { c, reason, caller in
            let app = req.application
            let clear = try await CaseService.revealRequester(
                c, reason: reason, caller: caller, actor: req.auditActor, keys: { try app.dataKeys }, on: req.db)
            return try await Self.detail(req: req, c: c, revealedRequester: clear)
        }
    }

    /// The requester's full resident ID (administrators and supervisors), with a reason, audited.
    func reveal(req: Request) async throws -> Response {
        try await revealing(req) { c, reason, caller in
            guard caller.role.canSupervise else { throw Refusal.forbidden("只有管理员和督办人可以查看完整身份证号") }
            let clear = try await CaseService.reveal(c, reason: reason, caller: caller, actor: req.auditActor, keys: try req.dataKeys, on: req.db)
            return try await Self.detail(req: req, c: c, revealed: clear)
        }
    }

    /// What both reveals share: the case in scope, the reason (required, one line, at most
    /// 200 characters), and a refusal shown on the case page with its message.
    func revealing(
        _ req: Request, _ show: (CaseRecord, String, Caller) async throws -> Response
    ) async throws -> Response {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(RevealForm.self)
        do {
            let reason = try TextPolicy.singleLine(form.reason ?? "")
            guard !reason.isEmpty else { throw Refusal.invalid("reason", "请填写查看理由") }
            guard reason.count <= 200 else { throw Refusal.invalid("reason", "理由不能超过200个字符") }
            return try await show(c, reason, caller)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            return try await Self.detail(req: req, c: c, status: errors.status, error: errors.message, errors: errors.fields)
        } catch let problem as TextPolicy.Problem {
            return try await Self.detail(req: req, c: c, status: .unprocessableEntity, error: problem.message)
        }
    }
}
