import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

/// 指标's share of the scope matrix. Each place owns a manual indicator (`scope.same`,
/// `scope.other`, `scope.city`): a county caller sees its own and the city's, never another
/// county's; values are read and entered only for divisions in scope.
extension ScopeMatrixTests {
    static func indicatorCode(_ place: Place) -> String {
        switch place {
        case .sameCounty: "scope.same"
        case .otherCounty: "scope.other"
        case .city: "scope.city"
        }
    }

    /// In scope 200; another county's 404; the city's visible but read-only.
    static func cityVisible(_ role: Role, _ place: Place) -> HTTPResponseStatus { place == .otherCounty ? .notFound : .ok }

    static let indicators = Part(
        cases: [
            Case(method: .GET, path: "/api/v1/query-kinds", make: { _, _ in ("/api/v1/query-kinds", nil) }, expected: { _, _ in .ok }),
            Case(method: .GET, path: "/api/v1/indicators", make: { _, _ in ("/api/v1/indicators", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/indicators",
                make: { f, place in
                    (
                        "/api/v1/indicators",
                        [
                            "code": f.freshName(), "name": "新指标", "unit": "个", "direction": "higher_is_better",
                            "division_code": divisionOf[place]!, "source": ["type": "manual"],
                        ]
                    )
                },
                expected: adminOnly(success: .created, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/indicators/:code", make: { _, place in ("/api/v1/indicators/\(indicatorCode(place))", nil) },
                expected: cityVisible),
            Case(
                method: .PATCH, path: "/api/v1/indicators/:code",
                make: { _, place in ("/api/v1/indicators/\(indicatorCode(place))", ["name": "改名"]) },
                expected: { role, place in
                    guard role == .admin else { return .forbidden }
                    return place == .sameCounty ? .ok : (place == .city ? .forbidden : .notFound)
                }),
            Case(
                method: .GET, path: "/api/v1/indicators/:code/values",
                make: { _, place in ("/api/v1/indicators/\(indicatorCode(place))/values?period=2021&division=\(divisionOf[place]!)", nil) },
                expected: readable),
            Case(
                method: .PUT, path: "/api/v1/indicators/:code/values",
                make: { _, place in
                    ("/api/v1/indicators/\(indicatorCode(place))/values", ["division_code": divisionOf[place]!, "period": "2021", "value": 1])
                },
                expected: editorsOnly(success: .ok, city: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/indicators/:code/values/history",
                make: { _, place in ("/api/v1/indicators/\(indicatorCode(place))/values/history?period=2021&division=\(divisionOf[place]!)", nil) },
                expected: readable),
            Case(method: .GET, path: "/api/v1/peer-groups", make: { _, _ in ("/api/v1/peer-groups", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/peer-groups",
                make: { f, _ in
                    (
                        "/api/v1/peer-groups",
                        ["name": "组\(f.freshName())", "year": 2021, "members": [["name": "甲", "code": "A1"], ["name": "乙", "code": "B2"]]]
                    )
                },
                expected: { role, _ in role == .admin ? .created : .forbidden }),
            Case(
                method: .GET, path: "/api/v1/peer-groups/:id", make: { f, place in ("/api/v1/peer-groups/\(f.id("peer_group", place))", nil) },
                expected: cityVisible),
            Case(
                method: .PUT, path: "/api/v1/indicators/:code/peer-values",
                make: { _, place in
                    ("/api/v1/indicators/\(indicatorCode(place))/peer-values", ["member_code": "610100", "period": "2021", "value": 1])
                },
                expected: editorsOnly(success: .noContent, city: .forbidden)),
            Case(
                method: .GET, path: "/api/v1/indicators/:code/ranking",
                make: { _, place in ("/api/v1/indicators/\(indicatorCode(place))/ranking?group=%E6%B1%BE%E6%B8%AD%E5%B9%B3%E5%8E%9F&period=2021", nil)
                },
                expected: cityVisible),
            Case(
                method: .GET, path: "/api/v1/targets", make: { _, place in ("/api/v1/targets?division=\(divisionOf[place]!)", nil) },
                expected: readable),
            Case(
                method: .POST, path: "/api/v1/targets",
                make: { _, place in
                    ("/api/v1/targets", ["indicator": "scope.city", "division_code": divisionOf[place]!, "value": 10, "due": "2023-12-31"])
                },
                expected: adminOnly(success: .created, outside: .unprocessableEntity)),
            Case(
                method: .PATCH, path: "/api/v1/targets/:id", make: { f, place in ("/api/v1/targets/\(f.id("target", place))", ["note": "改"]) },
                expected: adminOnly(success: .ok)),
            Case(
                method: .DELETE, path: "/api/v1/targets/:id", make: { f, place in ("/api/v1/targets/\(f.id("target", place))", nil) },
                expected: adminOnly(success: .noContent)),
            Case(
                method: .GET, path: "/api/v1/dashboards/:division",
                make: { _, place in ("/api/v1/dashboards/\(divisionOf[place]!)?as_of=2021-12-31", nil) },
                expected: readable),
            Case(
                method: .PUT, path: "/api/v1/dashboards/:division",
                make: { _, place in ("/api/v1/dashboards/\(divisionOf[place]!)", ["items": [["indicator": "scope.city", "period_kind": "year"]]]) },
                expected: adminOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/indicator-values/import",
                make: { _, place in
                    ("/api/v1/indicator-values/import", ["__raw": "指标编码,区划代码,期间,数值,备注\n\(indicatorCode(place)),\(divisionOf[place]!),2021-Q1,1,\n"])
                },
                expected: editorsOnly(success: .ok, outside: .unprocessableEntity, city: .unprocessableEntity)),
            Case(method: .GET, path: "/api/v1/briefings", make: { _, _ in ("/api/v1/briefings", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/briefings",
                make: { f, place in
                    ("/api/v1/briefings", ["name": f.freshName(), "default_period": "2021", "body": "只有文字", "division_code": divisionOf[place]!])
                },
                expected: adminOnly(success: .created, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/briefings/:id", make: { f, place in ("/api/v1/briefings/\(f.id("briefing", place))", nil) },
                expected: cityVisible),
            Case(
                method: .PATCH, path: "/api/v1/briefings/:id",
                make: { f, place in ("/api/v1/briefings/\(f.id("briefing", place))", ["description": "改"]) },
                expected: { role, place in
                    guard role == .admin else { return .forbidden }
                    return place == .sameCounty ? .ok : (place == .city ? .forbidden : .notFound)
                }),
            Case(
                method: .GET, path: "/api/v1/briefings/:id/render",
                make: { f, place in ("/api/v1/briefings/\(f.id("briefing", place))/render?format=md&division=\(divisionOf[place]!)", nil) },
                expected: readable),
        ],
        setUp: { t, fixture in
            let actor = AuditActor(name: "test", requestID: "t", clientAddress: "local")
            for place in Place.allCases {
                let indicator = Indicator(
                    code: IndicatorCode(indicatorCode(place))!, name: "范围\(place.rawValue)", unit: "个", direction: .higherIsBetter,
                    ownerDivision: DivisionCode(divisionOf[place]!)!, source: .manual)
                let record = try await IndicatorService.create(indicator, actor: actor, on: t.db)
                try await ValueService.set(
                    [
                        .init(
                            indicator: record, division: DivisionCode(divisionOf[place]!)!, period: try Period("2021"), value: ExactDecimal(5),
                            note: "", sourceDocument: "")
                    ],
                    channel: "demo", actor: actor, on: t.db)
                let target = try await TargetService.create(
                    indicator: record, division: DivisionCode(divisionOf[place]!)!,
                    fields: .init(value: ExactDecimal(10), due: CivilDate(iso: "2022-12-31"), baseline: nil, note: nil), actor: actor, on: t.db)
                fixture.ids["target", default: [:]][place] = target.id!.uuidString
                let briefing = try await BriefingService.create(
                    .init(
                        name: "简报\(place.rawValue)", description: "", body: "数值{{ \(indicatorCode(place)) }}个", defaultPeriod: try Period("2021"),
                        division: DivisionCode(divisionOf[place]!)!),
                    actor: actor, on: t.db)
                fixture.ids["briefing", default: [:]][place] = briefing.id!.uuidString
                if place != .city {
                    let group = try await PeerService.create(
                        PeerGroup(
                            name: "组\(place.rawValue)", year: 2021, members: [PeerMember(name: "甲", code: "A1"), PeerMember(name: "乙", code: "B2")]),
                        division: DivisionCode(divisionOf[place]!)!, actor: actor, on: t.db)
                    fixture.ids["peer_group", default: [:]][place] = group.id!.uuidString
                }
            }
            let seeded = try await PeerGroupRecord.query(on: t.db).filter(\.$name == "汾渭平原").first()
            fixture.ids["peer_group", default: [:]][.city] = seeded!.id!.uuidString
        })
}
