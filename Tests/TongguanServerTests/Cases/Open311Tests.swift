import ConsoleKit
import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// A console that keeps what a command prints.
final class CapturingConsole: Console, @unchecked Sendable {
    var lines: [String] = []
    var userInfo: [AnySendableHashable: any Sendable] = [:]
    var size: (width: Int, height: Int) { (120, 40) }
    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) { lines.append(text.description) }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) { lines.append(error) }
}

/// Open311 GeoReport v2: every route in JSON and XML, GeoReport's errors with real statuses,
/// keys issued and revoked through the command, privacy of the requester, and a case filed
/// by POST appearing in the 诉求 lists and statistics.
@Suite struct Open311Tests {
    static let base = "/open311/v2"

    /// Runs a command against the test application; returns what it printed.
    static func run(_ command: any AnyAsyncCommand, _ arguments: [String], _ t: TestApp) async throws -> [String] {
        let console = CapturingConsole()
        var context = CommandContext(console: console, input: CommandInput(arguments: ["tongguan"] + arguments))
        context.application = t.app
        try await command.run(using: &context)
        return console.lines
    }

    /// Issues a key through `tongguan open311 key add NAME --division CODE`.
    static func issueKey(_ t: TestApp, name: String = "市民通App", division: String = "141124") async throws -> String {
        let printed = try await run(Open311Commands(), ["key", "add", name, "--division", division], t)
        let key = try #require(printed.first { $0.hasPrefix(Open311Keys.prefix) })
        return key
    }

    static func form(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { k, v in
            "\(k.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(v.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }

    static func post(
        _ t: TestApp, _ fields: [(String, String)], format: String = "json", contentType: String? = "application/x-www-form-urlencoded"
    )
        async throws -> TestingHTTPResponse
    {
        var headers = HTTPHeaders()
        if let contentType { headers.replaceOrAdd(name: .contentType, value: contentType) }
        return try await t.app.testing().sendRequest(.POST, "\(base)/requests.\(format)", headers: headers, body: ByteBuffer(string: form(fields)))
    }

    static func get(_ t: TestApp, _ path: String, accept: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let accept { headers.replaceOrAdd(name: .accept, value: accept) }
        return try await t.app.testing().sendRequest(.GET, base + path, headers: headers)
    }

    static func array(_ res: TestingHTTPResponse) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as? [[String: Any]], "\(res.body.string)")
    }

    static func isXML(_ res: TestingHTTPResponse) -> Bool {
        res.headers.first(name: .contentType)?.hasPrefix("text/xml") == true
            && res.body.string.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
    }

    /// The error descriptions of a GeoReport error answer, checking its form and status.
    static func errors(_ res: TestingHTTPResponse, _ status: HTTPResponseStatus, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String]
    {
        #expect(res.status == status, "\(res.body.string)", sourceLocation: sourceLocation)
        #expect(res.headers.first(name: .contentType)?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        let list = try array(res)
        #expect(!list.isEmpty && list.allSatisfy { ($0["code"] as? Int) == Int(status.code) }, sourceLocation: sourceLocation)
        return list.compactMap { $0["description"] as? String }
    }

    static let goodRequest: [(String, String)] = [
        ("service_code", "road_damage"), ("lat", "37.5186"), ("long", "111.1445"), ("address_string", "临县城关镇滨河路口"),
        ("attribute[damage_type]", "pothole"), ("attribute[area_m2]", "2.5"), ("first_name", "三丰"), ("last_name", "张"),
        ("phone", "13800001234"), ("description", "路口有一个大坑,夜间容易绊倒行人。"), ("account_id", "user-42"),
    ]

    @Test func discoveryServicesAndDefinitionsInBothFormats() async throws {
        try await TestApp.with { t in
            let discovery = try await Self.get(t, "/discovery.json")
            #expect(discovery.status == .ok)
            let d = try discovery.json()
            let endpoints = try #require(d["endpoints"] as? [[String: Any]])
            #expect(endpoints.first?["specification"] as? String == "http://wiki.open311.org/GeoReport_v2")
            #expect((endpoints.first?["formats"] as? [String])?.contains("text/xml") == true)
            let discoveryXML = try await Self.get(t, "/discovery.xml")
            #expect(Self.isXML(discoveryXML) && discoveryXML.body.string.contains("<endpoints><endpoint><specification>"))
            #expect(discoveryXML.body.string.contains("<formats><format>text/xml</format><format>application/json</format></formats>"))

            // The format comes from the suffix, never from Accept.
            let services = try await Self.get(t, "/services.json", accept: "text/xml")
            #expect(services.headers.first(name: .contentType)?.hasPrefix("application/json") == true)
            let list = try Self.array(services)
            let names = Set(list.compactMap { $0["service_name"] as? String })
            #expect(names == ["道路破损", "路灯不亮", "噪音扰民", "垃圾清运", "供暖问题"])
            let road = try #require(list.first { $0["service_code"] as? String == "road_damage" })
            #expect(road["metadata"] as? Bool == true && road["type"] as? String == "realtime" && road["group"] as? String == "市政设施")
            #expect(road["keywords"] as? String == "道路,路面,坑洼")
            #expect(list.first { $0["service_code"] as? String == "garbage" }?["metadata"] as? Bool == false)
            let servicesXML = try await Self.get(t, "/services.xml", accept: "application/json")
            #expect(Self.isXML(servicesXML))
            #expect(servicesXML.body.string.contains("<services><service><service_code>"))
            #expect(servicesXML.body.string.contains("<service_name>道路破损</service_name><description>"))
            #expect(servicesXML.body.string.contains("<metadata>true</metadata>"))

            let definition = try await Self.get(t, "/services/noise.json")
            let def = try definition.json()
            #expect(def["service_code"] as? String == "noise")
            let attributes = try #require(def["attributes"] as? [[String: Any]])
            #expect(attributes.map { $0["code"] as? String } == ["noise_source", "noticed_at"])
            #expect(attributes[0]["datatype"] as? String == "multivaluelist" && attributes[0]["required"] as? Bool == true)
            #expect(attributes[0]["variable"] as? Bool == true && attributes[0]["order"] as? Int == 1)
            #expect((attributes[0]["values"] as? [[String: Any]])?.first?["name"] as? String == "建筑施工")
            #expect(attributes[1]["datatype"] as? String == "datetime")
            let definitionXML = try await Self.get(t, "/services/noise.xml")
            #expect(Self.isXML(definitionXML))
            #expect(
                definitionXML.body.string.contains(
                    "<service_definition><service_code>noise</service_code><attributes><attribute><variable>true</variable><code>noise_source</code>")
            )
            #expect(definitionXML.body.string.contains("<values><value><key>construction</key><name>建筑施工</name></value>"))

            // Unknown services, suffixes and paths: GeoReport's 404 in the URL's format.
            #expect(try Self.errors(try await Self.get(t, "/services/no_such.json"), .notFound).count == 1)
            let missingXML = try await Self.get(t, "/services/no_such.xml")
            #expect(missingXML.status == .notFound && Self.isXML(missingXML))
            #expect(missingXML.body.string.contains("<errors><error><code>404</code><description>"))
            #expect(try await Self.get(t, "/services/noise.txt").status == .notFound)
            _ = try Self.errors(try await Self.get(t, "/nothing/here.json"), .notFound)
            _ = try Self.errors(try await Self.get(t, "/services/..%2F..%2Fetc.json"), .notFound)
        }
    }

    @Test func keysArePrintedOnceStoredHashedAndRevoked() async throws {
        try await TestApp.with { t in
            let key = try await Self.issueKey(t)
            #expect(key.count > 40)
            let stored = try await Open311KeyRecord.query(on: t.db).all()
            #expect(stored.count == 1 && stored[0].keyHash == ApiToken.hash(key) && stored[0].keyHash != key)
            #expect(stored[0].divisionCode == "141124")
            let listed = try await Self.run(Open311Commands(), ["key", "list"], t)
            #expect(listed.contains { $0.hasPrefix("市民通App\t141124\t") && $0.hasSuffix("有效") })
            #expect(!listed.joined().contains(key))
            // A name is issued once; an unknown division is refused.
            await #expect(throws: CommandFailure.self) { _ = try await Self.issueKey(t) }
            await #expect(throws: CommandFailure.self) { _ = try await Self.issueKey(t, name: "别的", division: "999999") }

            let created = try await Self.post(t, Self.goodRequest + [("api_key", key)])
            #expect(created.status == .created, "\(created.body.string)")

            _ = try await Self.run(Open311Commands(), ["key", "revoke", "市民通App"], t)
            let refused = try await Self.post(t, Self.goodRequest + [("api_key", key)])
            #expect(try Self.errors(refused, .forbidden) == ["api_key 无效或已吊销"])
            #expect(try await Self.run(Open311Commands(), ["key", "list"], t).contains { $0.contains("已吊销") })
            await #expect(throws: CommandFailure.self) { _ = try await Self.run(Open311Commands(), ["key", "revoke", "市民通App"], t) }

            let events = try await WritePathTests.events(t).filter { $0.action.hasPrefix("open311_key.") }
            #expect(events.map(\.action) == ["open311_key.add", "open311_key.revoke"])
            #expect(events[0].changes.contains { $0.field == "name" && $0.after == "市民通App" })
            let raw = try await t.sql.raw("SELECT changes FROM audit_events").all().map { try $0.decode(column: "changes", as: String.self) }
            #expect(!raw.joined().contains(key) && !raw.joined().contains(key.dropFirst(Open311Keys.prefix.count)))
        }
    }

    @Test func aPostedRequestIsAnOnlineCaseInTheListsAndStatsAndReadsBackInBothFormats() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let key = try await Self.issueKey(t)
            let res = try await Self.post(t, Self.goodRequest + [("api_key", key)])
            #expect(res.status == .created, "\(res.body.string)")
            let answer = try #require(try Self.array(res).first)
            let number = try #require(answer["service_request_id"] as? String)
            #expect(CaseNumber(number) != nil && number.hasPrefix("141124-"))
            #expect(answer["account_id"] as? String == "user-42" && (answer["service_notice"] as? String)?.isEmpty == false)
            let token = try #require(answer["token"] as? String)

            // The case: source online, in the key's division, through the one write path.
            let list = try await t.request(.GET, "/api/v1/cases?source=online", token: kit.admin).json()
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["number"] as? String == number && items[0]["kind"] as? String == "求助")
            #expect(items[0]["title"] as? String == "道路破损 · 临县城关镇滨河路口")
            let caseID = try #require(items[0]["id"] as? String)
            let full = try await kit.get(caseID)
            #expect((full["content"] as? String)?.contains("损坏类型:坑洼") == true)
            #expect(full["address"] as? String == "临县城关镇滨河路口")
            #expect(try await WritePathTests.events(t, action: "case.create").count == 1)
            let stats = try await t.request(.GET, "/api/v1/cases/stats?group_by=source&source=online", token: kit.admin).json()
            let rows = try #require(stats["rows"] as? [[String: Any]])
            #expect(rows.first { $0["group"] as? String == "online" }?["received"] as? Int == 1)

            // Read back: one request, the list, the token, in both formats.
            let one = try #require(try Self.array(try await Self.get(t, "/requests/\(number).json")).first)
            #expect(one["service_request_id"] as? String == number && one["status"] as? String == "open")
            #expect(one["service_code"] as? String == "road_damage" && one["service_name"] as? String == "道路破损")
            #expect(one["lat"] as? Double == 37.5186 && one["long"] as? Double == 111.1445)
            #expect(one["address"] as? String == "临县城关镇滨河路口")
            #expect((one["requested_datetime"] as? String)?.hasSuffix("+08:00") == true)
            #expect((one["updated_datetime"] as? String)?.hasSuffix("+08:00") == true)
            #expect(one["expected_datetime"] is NSNull, "no handle due date before routing")
            #expect(one["agency_responsible"] is NSNull && one["status_notes"] is NSNull)
            let oneXML = try await Self.get(t, "/requests/\(number).xml")
            #expect(Self.isXML(oneXML))
            #expect(oneXML.body.string.contains("<service_requests><request><service_request_id>\(number)</service_request_id><status>open</status>"))
            #expect(oneXML.body.string.contains("<lat>37.5186</lat><long>111.1445</long>"))
            let tokenAnswer = try #require(try Self.array(try await Self.get(t, "/tokens/\(token).json")).first)
            #expect(tokenAnswer["service_request_id"] as? String == number && tokenAnswer["token"] as? String == token)
            let tokenXML = try await Self.get(t, "/tokens/\(token).xml")
            #expect(
                Self.isXML(tokenXML) && tokenXML.body.string.contains("<service_request_id>\(number)</service_request_id><token>\(token)</token>"))
            _ = try Self.errors(try await Self.get(t, "/tokens/\(String(repeating: "0", count: 32)).json"), .notFound)

            // Routed, answered and closed: closed, with the reply, the unit and the due date.
            try await kit.must(caseID, "route", ["unit_id": kit.unitID])
            let routed = try #require(try Self.array(try await Self.get(t, "/requests.json?status=open")).first)
            #expect(routed["agency_responsible"] as? String == "临县信访局")
            #expect((routed["expected_datetime"] as? String)?.hasSuffix("T23:59:59+08:00") == true)
            try await kit.must(caseID, "accept", token: kit.handler)
            try await kit.must(caseID, "start", token: kit.handler)
            try await kit.must(caseID, "reply", token: kit.handler, ["outcome": "resolved", "text": "已修补路面。"])
            try await kit.must(caseID, "close")
            #expect(try Self.array(try await Self.get(t, "/requests.json?status=open")).isEmpty)
            let closed = try #require(try Self.array(try await Self.get(t, "/requests.json?status=closed&service_code=road_damage,noise")).first)
            #expect(closed["status"] as? String == "closed" && closed["status_notes"] as? String == "已修补路面。")
            #expect(try Self.array(try await Self.get(t, "/requests.json?service_code=noise")).isEmpty)
            let byID = try Self.array(try await Self.get(t, "/requests.json?service_request_id=\(number),141124-2020-000001&status=open"))
            #expect(byID.count == 1, "service_request_id overrides the other filters")
            let listXML = try await Self.get(t, "/requests.xml?status=closed")
            #expect(Self.isXML(listXML) && listXML.body.string.contains("<status>closed</status><status_notes>已修补路面。</status_notes>"))
            // Dates: a range that ends before today holds nothing; one around today holds it.
            #expect(
                try Self.array(try await Self.get(t, "/requests.json?start_date=2020-01-01T00:00:00%2B08:00&end_date=2020-02-01T00:00:00Z")).isEmpty)
            let now = W3CDateTime.format(Date()).replacingOccurrences(of: "+", with: "%2B")
            #expect(try Self.array(try await Self.get(t, "/requests.json?end_date=\(now)")).count == 1)
            #expect(try Self.array(try await Self.get(t, "/requests.json?jurisdiction_id=141123")).isEmpty)
        }
    }

    @Test func onlyOnlineCasesAreReachableAndNeverTheRequester() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let key = try await Self.issueKey(t)
            // A hotline case with the same requester is not Open311's.
            let hotline = try await kit.register(CaseKit.body(received: CaseClock.today().description))
            let hotlineNumber = try #require(hotline["number"] as? String)
            // An online case registered by staff, with a resident ID.
            var body = CaseKit.body(source: "online", received: CaseClock.today().description)
            body["requester"] = ["name": "张三丰", "phone": "13800001234", "resident_id": "11010519491231002X"]
            let staff = try await kit.register(body)
            let posted = try Self.array(try await Self.post(t, Self.goodRequest + [("api_key", key)]))
            let number = try #require(posted.first?["service_request_id"] as? String)

            _ = try Self.errors(try await Self.get(t, "/requests/\(hotlineNumber).json"), .notFound)
            #expect(try Self.array(try await Self.get(t, "/requests.json?service_request_id=\(hotlineNumber)")).isEmpty)
            let all = try Self.array(try await Self.get(t, "/requests.json"))
            #expect(Set(all.compactMap { $0["service_request_id"] as? String }) == [number, staff["number"] as! String])

            var answers: [String] = []
            for path in [
                "/requests.json", "/requests.xml", "/requests/\(number).json", "/requests/\(number).xml",
                "/requests/\(staff["number"] as! String).json", "/requests/\(staff["number"] as! String).xml", "/services.json",
            ] {
                let res = try await Self.get(t, path)
                #expect(res.status == .ok)
                answers.append(res.body.string)
            }
            let posted2 = try await Self.post(t, Self.goodRequest + [("api_key", key)], format: "xml")
            #expect(posted2.status == .created && Self.isXML(posted2))
            answers.append(posted2.body.string)
            for text in answers {
                for secret in ["张三丰", "三丰", "13800001234", "138****1234", "11010519491231002X", "first_name", "phone"] {
                    #expect(!text.contains(secret), "an Open311 answer shows \(secret)")
                }
            }
        }
    }

    @Test func badRequestsAreRefusedInGeoReportsFormatAndNeverCrash() async throws {
        try await TestApp.with { t in
            _ = try await CaseKit.make(t)
            let key = try await Self.issueKey(t)
            let other = try await Self.issueKey(t, name: "兴县App", division: "141123")
            // No key, a wrong key: 403, in either format.
            #expect(try Self.errors(try await Self.post(t, Self.goodRequest), .forbidden) == ["api_key 无效或已吊销"])
            #expect(try Self.errors(try await Self.post(t, Self.goodRequest + [("api_key", "o311_wrong")]), .forbidden).count == 1)
            let xml = try await Self.post(t, Self.goodRequest, format: "xml")
            #expect(xml.status == .forbidden && Self.isXML(xml) && xml.body.string.contains("<errors><error><code>403</code>"))
            // A division outside the key's.
            let outside = try await Self.post(t, Self.goodRequest + [("api_key", key), ("jurisdiction_id", "141123")])
            #expect(try Self.errors(outside, .forbidden).first?.hasPrefix("jurisdiction_id:") == true)
            let inside = try await Self.post(t, Self.goodRequest + [("api_key", other), ("jurisdiction_id", "141123")])
            #expect(inside.status == .created)

            // Every problem at once, named by GeoReport's fields.
            let bad = try await Self.post(
                t,
                [
                    ("api_key", key), ("service_code", "noise"), ("lat", "95"), ("long", "abc"), ("attribute[noise_source]", "aliens"),
                    ("attribute[noticed_at]", "yesterday"), ("attribute[colour]", "red"), ("description", "吵"),
                ])
            let problems = try Self.errors(bad, .badRequest)
            for field in ["lat", "long", "attribute[noise_source]", "attribute[noticed_at]", "attribute[colour]", "phone", "last_name"] {
                #expect(problems.contains { $0.hasPrefix(field + ":") }, "\(field) in \(problems)")
            }
            #expect(!problems.joined().contains("aliens") && !problems.joined().contains("yesterday"))
            let missing = try Self.errors(try await Self.post(t, [("api_key", key)]), .badRequest)
            #expect(missing.contains { $0.hasPrefix("service_code:") } && missing.contains { $0.hasPrefix("address_string:") })
            let unknown = try Self.errors(
                try await Self.post(t, Self.goodRequest.filter { $0.0 != "service_code" } + [("api_key", key), ("service_code", "ufo")]), .badRequest)
            #expect(unknown.contains { $0.hasPrefix("service_code:") })
            let required = try Self.errors(
                try await Self.post(t, Self.goodRequest.filter { $0.0 != "attribute[damage_type]" } + [("api_key", key)]), .badRequest)
            #expect(required == ["attribute[damage_type]:请回答「损坏类型」"])
            let multi = try await Self.post(
                t,
                [
                    ("api_key", key), ("service_code", "noise"), ("address_string", "临县"), ("attribute[noise_source][]", "construction"),
                    ("attribute[noise_source][]", "traffic"), ("attribute[noticed_at]", "2026-11-28T22:30:00+08:00"), ("last_name", "李"),
                    ("phone", "0358-8221234"), ("description", "夜间施工"),
                ])
            #expect(multi.status == .created, "\(multi.body.string)")

            // Fuzz: huge values, control characters, bad encodings, other media types, huge bodies.
            let huge = String(repeating: "路", count: 70_000)
            #expect(try await Self.post(t, Self.goodRequest + [("api_key", key), ("description", huge)]).status == .badRequest)
            #expect(
                try await Self.post(t, Self.goodRequest.filter { $0.0 != "description" } + [("api_key", key), ("description", "a\u{202E}b")]).status
                    == .badRequest)
            #expect(try await Self.post(t, Self.goodRequest + [("api_key", key), ("lat", "nan")]).status == .badRequest)
            #expect(try await Self.post(t, Self.goodRequest + [("api_key", key), ("lat", "1e999")]).status == .badRequest)
            #expect(try await Self.post(t, [("api_key", key)], contentType: "application/json").status == .badRequest)
            for raw in ["%zz=1", "api_key=%E4%B8", "&&&==&", String(repeating: "a=1&", count: 5000)] {
                let res = try await t.app.testing().sendRequest(
                    .POST, "\(Self.base)/requests.json", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: ByteBuffer(string: raw)
                )
                #expect([.badRequest, .forbidden].contains(res.status), "\(raw.prefix(20)): \(res.status)")
            }
            // Reading: bad dates, too long a range, bad status, unknown numbers.
            for query in [
                "start_date=yesterday", "end_date=2026-13-01T00:00:00Z", "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
                "start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", "status=pending", "service_code=%3Cscript%3E",
                "jurisdiction_id=abc", "start_date=2026-01-01",
            ] {
                _ = try Self.errors(try await Self.get(t, "/requests.json?\(query)"), .badRequest)
            }
            _ = try Self.errors(try await Self.get(t, "/requests/141124-2026-999999.json"), .notFound)
            _ = try Self.errors(try await Self.get(t, "/requests/not-a-number.json"), .notFound)
            #expect(try await t.request(.GET, "/health").status == .ok)
        }
    }

    @Test func adminsEditTheServicesTable() async throws {
        try await TestApp.with { t in
            let admin = try await t.adminToken()
            let list = try await t.request(.GET, "/api/v1/open311/services", token: admin)
            #expect(list.status == .ok)
            let body: [String: Any] = [
                "name": "井盖缺失", "description": "井盖丢失或破损。", "group": "市政设施", "keywords": ["井盖"], "kind": "求助",
                "attributes": [
                    [
                        "code": "danger", "datatype": "singlevaluelist", "required": true, "description": "是否有人掉落风险", "order": 1,
                        "values": [["key": "yes", "name": "有"], ["key": "no", "name": "无"]],
                    ]
                ],
            ]
            let created = try await t.request(.PUT, "/api/v1/open311/services/manhole", token: admin, json: body)
            #expect(created.status == .created, "\(created.body.string)")
            let shown = try #require(try Self.array(try await Self.get(t, "/services.json")).first { $0["service_code"] as? String == "manhole" })
            #expect(shown["service_name"] as? String == "井盖缺失" && shown["metadata"] as? Bool == true)
            // Deactivated: gone from services.json and refused for new requests.
            var off = body
            off["active"] = false
            let replaced = try await t.request(.PUT, "/api/v1/open311/services/manhole", token: admin, json: off)
            let version = try replaced.json()["version"] as? Int
            #expect(replaced.status == .ok && version == 2)
            #expect(try Self.array(try await Self.get(t, "/services.json")).allSatisfy { $0["service_code"] as? String != "manhole" })
            _ = try Self.errors(try await Self.get(t, "/services/manhole.json"), .notFound)

            let bad: [String: Any] = [
                "name": "", "group": "市政设施", "kind": "申诉求决", "keywords": ["a,b"],
                "attributes": [["code": "x y", "datatype": "singlevaluelist", "required": true, "description": "问", "order": 0, "values": []]],
            ]
            let refused = try await t.request(.PUT, "/api/v1/open311/services/bad%20code", token: admin, json: bad)
            #expect(refused.status == .unprocessableEntity && refused.isProblem)
            let fields = Set(try refused.problemFields())
            for f in ["name", "kind", "code", "keywords[0]", "attributes[0].code", "attributes[0].order", "attributes[0].values"] {
                #expect(fields.contains(f), "\(f) in \(fields)")
            }
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            let county = try await t.token("lin.admin")
            #expect(try await t.request(.PUT, "/api/v1/open311/services/manhole", token: county, json: body).status == .forbidden)
            #expect(try await t.request(.GET, "/api/v1/open311/services/manhole", token: county).status == .ok)
            #expect(try await WritePathTests.events(t, action: "open311_service.set").count == 5 + 2)
        }
    }
}
