import Foundation
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

/// 台账's share of the scope matrix: a ledger owned by each place (a county user sees its
/// own county's and the city's, never another county's), and items of the city's ledger in
/// each place (临县, 兴县, and 离石区 for "city").
extension ScopeMatrixTests {
    static let ledgerCodes: [Place: String] = [.sameCounty: "m-lin", .otherCounty: "m-xing", .city: "m-city"]

    static func ledgerDefinition(_ place: Place, name: String = "矩阵台账") -> [String: any Sendable] {
        [
            "code": ledgerCodes[place]!, "name": name, "division_code": divisionOf[place]!,
            "fields": [
                ["key": "name", "label": "名称", "type": "text", "required": true] as [String: any Sendable],
                ["key": "kind", "label": "类别", "type": "choice", "options": ["甲", "乙"]],
                ["key": "pid", "label": "身份证号", "type": "resident_id"],
            ],
        ]
    }

    /// The ledger's own routes: visible when it is the caller's county's or the city's.
    static func ledgerVisible(_ role: Role, _ place: Place) -> HTTPResponseStatus { place == .otherCounty ? .notFound : .ok }

    static let ledgers = Part(
        cases: [
            Case(method: .GET, path: "/api/v1/ledgers", make: { _, _ in ("/api/v1/ledgers", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/ledgers",
                make: { f, place in
                    var body = ledgerDefinition(place)
                    body["code"] = "new-\(f.freshName().filter(\.isNumber))"
                    return ("/api/v1/ledgers", body)
                },
                expected: adminOnly(success: .created, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/ledgers/:code", make: { _, place in ("/api/v1/ledgers/\(ledgerCodes[place]!)", nil) },
                expected: ledgerVisible),
            Case(
                method: .GET, path: "/api/v1/ledgers/:code/versions",
                make: { _, place in ("/api/v1/ledgers/\(ledgerCodes[place]!)/versions", nil) }, expected: ledgerVisible),
            // Only an admin whose scope holds the owner division redefines a ledger.
            Case(
                method: .PATCH, path: "/api/v1/ledgers/:code",
                make: { _, place in ("/api/v1/ledgers/\(ledgerCodes[place]!)", ledgerDefinition(place, name: "改名台账")) },
                expected: { role, place in place == .otherCounty ? .notFound : (role == .admin && place == .sameCounty ? .ok : .forbidden) }),
            Case(
                method: .GET, path: "/api/v1/ledgers/:code/items",
                make: { _, place in ("/api/v1/ledgers/\(ledgerCodes[place]!)/items", nil) }, expected: ledgerVisible),
            Case(
                method: .POST, path: "/api/v1/ledgers/:code/items/lookup",
                make: { _, place in ("/api/v1/ledgers/\(ledgerCodes[place]!)/items/lookup", ["field": "name", "value": "条目-sameCounty"]) },
                expected: ledgerVisible),
            Case(
                method: .GET, path: "/api/v1/ledgers/:code/aggregate",
                make: { _, place in ("/api/v1/ledgers/\(ledgerCodes[place]!)/aggregate?group_by=division", nil) }, expected: ledgerVisible),
            Case(
                method: .GET, path: "/api/v1/ledgers/:code/export",
                make: { _, place in ("/api/v1/ledgers/\(ledgerCodes[place]!)/export?format=xlsx", nil) }, expected: ledgerVisible),
            Case(
                method: .POST, path: "/api/v1/ledgers/:code/export",
                make: { _, place in ("/api/v1/ledgers/\(ledgerCodes[place]!)/export", ["reason": "核对身份证号"]) },
                expected: { role, place in place == .otherCounty ? .notFound : (role.canSupervise ? .ok : .forbidden) }),
            Case(
                method: .GET, path: "/api/v1/ledgers/:code/template",
                make: { _, place in ("/api/v1/ledgers/\(ledgerCodes[place]!)/template", nil) }, expected: ledgerVisible),
            // Items of the city's ledger, in each place.
            Case(
                method: .POST, path: "/api/v1/ledgers/:code/import",
                make: { f, place in
                    ("/api/v1/ledgers/m-city/import", ["__raw": "区划代码,名称,类别,身份证号,状态\n\(divisionOf[place]!),导入\(f.freshName()),甲,,待办\n"])
                },
                expected: editorsOnly(success: .ok, outside: .unprocessableEntity)),
            Case(
                method: .POST, path: "/api/v1/ledgers/:code/items",
                make: { f, place in
                    ("/api/v1/ledgers/m-city/items", ["division_code": divisionOf[place]!, "values": ["name": "新条目\(f.freshName())"]])
                },
                expected: editorsOnly(success: .created, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/ledgers/:code/items/:id",
                make: { f, place in ("/api/v1/ledgers/m-city/items/\(f.id("ledger_item", place))", nil) }, expected: readable),
            // Before the PATCH below, which replaces the values (and drops the number).
            Case(
                method: .POST, path: "/api/v1/ledgers/:code/items/:id/reveal",
                make: { f, place in ("/api/v1/ledgers/m-city/items/\(f.id("ledger_item", place))/reveal", ["field": "pid", "reason": "核对"]) },
                expected: { role, place in !role.canSupervise ? .forbidden : (place == .sameCounty ? .ok : .notFound) }),
            Case(
                method: .PATCH, path: "/api/v1/ledgers/:code/items/:id",
                make: { f, place in
                    ("/api/v1/ledgers/m-city/items/\(f.id("ledger_item", place))", ["division_code": "141124", "values": ["name": "改过"]])
                },
                expected: editorsOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/ledgers/:code/items/:id/state",
                make: { f, place in ("/api/v1/ledgers/m-city/items/\(f.id("ledger_item", place))/state", ["state": "in_progress"]) },
                expected: { role, place in place != .sameCounty ? .notFound : (role.canEditRecords ? .ok : .forbidden) }),
        ],
        setUp: { t, fixture in
            let actor = AuditActor(name: "test", requestID: "t", clientAddress: "local")
            let root = Caller(userID: UUID(), username: "test", role: .admin, scope: DivisionScope(DivisionCode("141100")!))
            for place in Place.allCases {
                let definition = try LedgerDefinition(json: LedgerJSON.parse(JSONSerialization.data(withJSONObject: ledgerDefinition(place))))
                _ = try await LedgerService.create(definition, caller: root, actor: actor, on: t.db)
            }
            let (ledger, definition) = try await LedgerService.find("m-city", in: root.scope, on: t.db)
            let ctx = try LedgerContext(ledger, definition)
            let itemPlaces: [Place: String] = [.sameCounty: "141124", .otherCounty: "141123", .city: "141102"]
            for place in Place.allCases {
                let content = LedgerItemContent(
                    divisionCode: DivisionCode(itemPlaces[place]!)!, stateCode: "todo",
                    values: ["name": .text("条目-\(place.rawValue)"), "pid": .residentID("11010519491231002X")])
                let event = try LedgerStateTransition.created(definition: definition, role: .admin)
                let record = try await LedgerItemService.create(
                    content, event: event, in: ctx, actor: actor, protection: LedgerProtection(t.app), on: t.db)
                fixture.ids["ledger_item", default: [:]][place] = record.id!.uuidString
            }
        })
}
