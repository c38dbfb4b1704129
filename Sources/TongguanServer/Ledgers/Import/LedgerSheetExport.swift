import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// A ledger's sheet for download: the columns the import reads, in the cell forms it reads
/// (resident IDs masked), so an exported file imports back to the same items; and the empty
/// template with its explanation sheet.
enum LedgerSheetExport {
    static func rows(
        _ ctx: LedgerContext, query: LedgerItemQuery, scope: DivisionScope, protection: LedgerProtection, on db: any Database
    ) async throws -> [[String]] {
        var rows = [LedgerSheet.header(for: ctx.definition)]
        var page = 1
        let per = 5000
        while true {
            let result = try await LedgerItemSearch.run(
                query, ctx: ctx, scope: scope, paging: PageRequest(page: page, per: per), keys: nil, on: db.sql)
            for record in result.items {
                let content = try LedgerItemCodec.decode(record, definition: ctx.definition, protection: protection)
                rows.append(LedgerSheet.exportRow(content, definition: ctx.definition))
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
