import Fluent
import Foundation
import TongguanDomain
import Vapor

/// 监测 → 农户: the household list with filters (here), a household's page with its members
/// (IDs masked; the reveal form with a reason for admins and supervisors; HouseholdPage),
/// its change forms (HouseholdChangePages), its card (HouseholdCardPage), the new-household
/// and add-member forms (RegistryFormPages), the edit forms (RegistryEditPages) and the
/// member sheet's upload (RegistryUploadPage). Every rule is the API's: `RegistryForms`,
/// `RegistryService`, `HouseholdFilter`, `Disclosure`.
struct RegistryPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let households = routes.grouped("monitoring", "households")
        households.get(use: list)
        households.post(use: create)
        households.get("new", use: newForm)
        households.get("import", use: importForm)
        households.post("export", use: exportFull)
        households.upload("import", maxSize: SheetTransfer.maxFileSize, use: upload)
        households.get(":code", use: show)
        households.get(":code", "card", use: card)
        households.post(":code", "members", use: addMember)
        households.post(":code", "leave", use: leave)
        households.post(":code", "transfer", use: transfer)
        households.post(":code", "close", use: close)
        households.post(":code", "head", use: handOver)
        households.get(":code", "edit", use: editHousehold)
        households.post(":code", "edit", use: updateHousehold)
        let members = routes.grouped("monitoring", "members")
        members.post(":id", "reveal", use: reveal)
        members.get(":id", "edit", use: editMember)
        members.post(":id", "edit", use: updateMember)
    }

    static let active = "/monitoring"

    static func choices<V: RegistryVocabulary>(_ type: V.Type, selected: String?) -> [SelectOption] where V.RawValue == String {
        V.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }

    static func label<V: RegistryVocabulary>(_ type: V.Type, _ raw: String?) -> String where V.RawValue == String {
        raw.flatMap { V(rawValue: $0)?.label } ?? (raw ?? "")
    }

    // MARK: list

    struct Row: Encodable, Sendable {
        var code: String
        var village: String
        var head: String
        var members: Int
        var status: String
    }

    struct ListBody: Encodable, Sendable {
        var rows: [Row]
        var total: Int
        var page: Int
        var pages: Int
        var previous: String?
        var next: String?
        var q: String
        var divisions: [SelectOption]
        var statuses: [SelectOption]
        var exportCSV: String
        var canEdit: Bool
        var personalExport: PersonalExport.FormBody?
    }

    /// The full member sheet for an admin, with the reason from the form (never the URL).
    func exportFull(req: Request) async throws -> Response {
        try await RegistryTransferAPI.download(req: req) { try PersonalExport.reason(ofForm: req) }
    }

    func list(req: Request) async throws -> Response {
        let caller = try req.caller
        let (paging, filter) = try HouseholdsAPI.listRequest(req)
        let (rows, total) = try await RegistryQueries.list(filter, scope: caller.scope, paging: paging, on: req.db)
        let names = try await Division.names(of: Set(rows.map(\.division_code)), on: req.db)
        let disclosure = Disclosure(role: caller.role)
        let link = { (page: Int) -> String in "/monitoring/households" + filter.queryString(adding: [("page", String(page))]) }
        let body = ListBody(
            rows: rows.map {
                Row(
                    code: $0.household_code, village: names[$0.division_code] ?? $0.division_code,
                    head: $0.head_name.map(disclosure.name) ?? "(无户主)", members: $0.member_count,
                    status: Self.label(HouseholdStatus.self, $0.status))
            },
            total: total, page: paging.page, pages: max(1, (total + paging.per - 1) / paging.per),
            previous: paging.page > 1 ? link(paging.page - 1) : nil,
            next: paging.offset + rows.count < total ? link(paging.page + 1) : nil,
            q: filter.q ?? "",
            divisions: try await Division.options(
                in: caller.scope, selected: filter.division?.rawValue, levels: Division.scopeLevels(below: caller.scope), on: req.db),
            statuses: Self.choices(HouseholdStatus.self, selected: filter.status?.rawValue),
            exportCSV: "/api/v1/households/export" + filter.queryString(adding: [("format", "csv")]),
            canEdit: caller.role.canEditRecords,
            personalExport: MemberExport.personal.form(
                action: "/monitoring/households/export" + filter.queryString(adding: [("format", "csv")]), for: caller))
        return try await req.page("monitoring/households", title: "农户", active: Self.active, body)
    }
}
