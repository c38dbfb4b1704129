import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The item page's reveal form: an administrator or supervisor sees one resident ID in full
/// after stating why. The rules and the audit event are `LedgerItemService.reveal`'s, the
/// same as the API's; the number travels only in the page's body, never in a URL.
extension LedgerPages {
    struct RevealForm: Content {
        var field: String?
        var reason: String?
    }

    func reveal(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        let ctx = try LedgerContext(ledger, definition)
        let record = try await LedgerItemService.find(req.parameters.get("id"), in: ctx, scope: caller.scope, on: req.db)
        let form = try req.content.decode(RevealForm.self)
        guard caller.role.canSupervise else {
            return try await Self.itemPage(req, error: "只有管理员和督办人可以查看完整身份证号", status: .forbidden)
        }
        guard let field = form.field.flatMap({ definition.field($0) }), field.type == .residentID else {
            return try await Self.itemPage(req, error: "请选择要查看的身份证号字段", status: .unprocessableEntity)
        }
        var problems = ProblemList()
        guard let reason = LedgerQueries.reason(form.reason.map { .string($0) }, problems: &problems) else {
            let message = problems.problems.first?.message ?? "请说明查看原因"
            return try await Self.itemPage(req, error: "查看原因:" + message, status: .unprocessableEntity, reasonError: message)
        }
        let content = try LedgerItemCodec.decode(record, definition: definition, protection: LedgerProtection(req.application))
        guard
            let id = try await LedgerItemService.reveal(
                record, field: field, reason: reason, content: content, caller: caller, actor: req.auditActor, on: req.db)
        else { return try await Self.itemPage(req, error: "「\(field.label)」没有填写", status: .unprocessableEntity) }
        return try await Self.itemPage(req, error: nil, revealed: (field.key, id))
    }
}
