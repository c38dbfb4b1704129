import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// A ledger's sheet for download: the columns the import reads, in the cell forms it reads,
/// so an exported file imports back to the same items; and the empty template with its
/// explanation sheet. Every field of a personal type is a personal column (`PersonalExport`):
/// a person's name and phone, a resident ID — masked by default (a masked cell imports as
/// "unchanged" for the item its row matches, and is refused for a new item), in full only for
/// admins and supervisors with a reason, audited.
enum LedgerSheetExport {
    static func personal(_ definition: LedgerDefinition) -> PersonalExport {
        var columns: [PersonalSheet.Column] = []
        for field in definition.activeFields {
            switch field.type {
            case .person: columns += [.init(field.label, .name), .init(field.phoneLabel, .phone)]
            case .name: columns.append(.init(field.label, .name))
            case .residentID: columns.append(.init(field.label, .residentID))
            default: break
            }
        }
        return PersonalExport(
            name: "ledger:" + definition.code, sheet: PersonalSheet(subject: "台账「\(definition.name)」所记人员", columns: columns),
            allows: { $0.canSupervise }, refusal: "只有管理员和督办人可以完整导出台账中的个人信息")
    }

    /// The items `query` selects as a download, masked or in full (a full one audited).
    static func download(
        _ ctx: LedgerContext, query: LedgerItemQuery, caller: Caller, mode: PersonalExport.Mode, format: SheetFile.Format,
        encoding: CSVEncoding, req: Request
    ) async throws -> Response {
        let rows = try await rows(ctx, query: query, scope: caller.scope, protection: LedgerProtection(req.application), on: req.db)
        let export = personal(ctx.definition)
        try await export.record(mode, rows: rows.count - 1, division: caller.scope.root.rawValue, actor: req.auditActor, on: req.db)
        return try SheetTransfer.download(
            export.file(rows, mode: mode), name: ctx.definition.code, sheetName: ctx.definition.name, format: format, encoding: encoding)
    }

    static func rows(
        _ ctx: LedgerContext, query: LedgerItemQuery, scope: DivisionScope, protection: LedgerProtection, on db: any Database
    ) async throws -> [[String]] {
        // Clear values: `PersonalExport.file` masks them unless the export is a full one.
        var rows = [LedgerSheet.header(for: ctx.definition)]
        var page = 1
        let per = 5000
        while true {
            let result = try await LedgerItemSearch.run(
                query, ctx: ctx, scope: scope, paging: PageRequest(page: page, per: per), keys: nil, on: db.sql)
            for record in result.items {
                let content = try LedgerItemCodec.decode(record, definition: ctx.definition, protection: protection)
                rows.append(LedgerSheet.exportRow(content, definition: ctx.definition, revealing: true))
            }
            if result.items.count < per { break }
            page += 1
        }
        return rows
    }

    /// The XLSX template: the empty sheet (header only), and 填写说明 listing every column,
    /// its type, whether it is required and what it takes (the options in full).
    static func template(_ definition: LedgerDefinition) throws -> Data {
        let explanation = [LedgerSheet.explanationHeader] + LedgerSheet.explanation(for: definition).map(\.cells)
        do {
            return try XLSXWriter.write(sheets: [
                (definition.name, [LedgerSheet.header(for: definition)]), (LedgerSheet.explanationSheetName, explanation),
            ])
        } catch {
            throw LedgerStorageError(message: error.message)
        }
    }

    static func templateResponse(_ definition: LedgerDefinition) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(definition.code)-template.xlsx\"")
        return Response(status: .ok, headers: headers, body: .init(data: try template(definition)))
    }
}
