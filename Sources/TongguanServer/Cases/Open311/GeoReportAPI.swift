import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Open311 GeoReport v2 under `/open311/v2/`, for the city's web and phone apps: discovery,
/// services and their definitions, requests (GET public; POST with an `api_key`), one
/// request, and the token → request mapping. Every route answers JSON or XML by its URL's
/// suffix; errors are GeoReport's `[{"code", "description"}]` with the HTTP status.
///
/// Only `online` cases are reachable here, and never their requester (name, phone, ID).
struct GeoReportAPI: RouteCollection {
    /// GeoReport's list bounds: 90 days by default and at most, 1000 requests at most.
    static let maxDays = 90
    static let maxResults = 1000
    static let maxBody = 64 * 1024
    static let maxIDs = 100

    func boot(routes: any RoutesBuilder) throws {
        let v2 = routes.grouped("open311", "v2")
        for format in [GeoFormat.json, .xml] {
            v2.get("discovery.\(format.rawValue)") { req async -> Response in await Self.answer(format) { try await self.discovery(req, format) } }
            v2.get("services.\(format.rawValue)") { req async -> Response in await Self.answer(format) { try await self.services(req, format) } }
            v2.get("requests.\(format.rawValue)") { req async -> Response in await Self.answer(format) { try await self.requests(req, format) } }
            v2.on(.POST, "requests.\(format.rawValue)", body: .stream) { req async -> Response in
                await Self.answer(format) { try await self.post(req, format) }
            }
        }
        v2.get("services", ":file") { req in try await Self.suffixed(req) { try await self.definition(req, $0, $1) } }
        v2.get("requests", ":file") { req in try await Self.suffixed(req) { try await self.request(req, $0, $1) } }
        v2.get("tokens", ":file") { req in try await Self.suffixed(req) { try await self.token(req, $0, $1) } }
        for method in [HTTPMethod.GET, .POST] {
            v2.on(method, "**", body: .stream) { req in GeoError.notFound.response(GeoFormat.guess(req.url.path)) }
        }
    }

    /// Runs a handler and turns every failure into a GeoReport error in the URL's format.
    static func answer(_ format: GeoFormat, _ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch let e as GeoError {
            return e.response(format)
        } catch let r as Refusal {
            switch r.kind {
            case .notFound: return GeoError.notFound.response(format)
            case .forbidden: return GeoError(.forbidden, r.message).response(format)
            case .invalid: return GeoError(.badRequest, r.problems.map { "\($0.field):\($0.message)" }).response(format)
            default: return GeoError(.conflict, r.message).response(format)
            }
        } catch {
            return GeoError(.internalServerError, "服务器内部错误").response(format)
        }
    }

    /// `name.json` / `name.xml` in the last path component; anything else is a 404.
    static func suffixed(_ req: Request, _ body: (String, GeoFormat) async throws -> Response) async throws -> Response {
        guard let file = req.parameters.get("file"), let (name, format) = GeoFormat.split(file) else {
            return GeoError.notFound.response(.guess(req.url.path))
        }
        return await answer(format) { try await body(name, format) }
    }

    // MARK: discovery and services

    func discovery(_ req: Request, _ format: GeoFormat) async throws -> Response {
        let base = Self.baseURL(req)
        let changeset = W3CDateTime.format(Date(timeIntervalSince1970: 1_795_000_000))
        let endpoint = GeoValue.object([
            ("specification", .string("http://wiki.open311.org/GeoReport_v2")), ("url", .string(base)),
            ("changeset", .string(changeset)), ("type", .string("production")),
            ("formats", .list(item: "format", [.string("text/xml"), .string("application/json")])),
        ])
        let value = GeoValue.object([
            ("changeset", .string(changeset)), ("contact", .string("吕梁市12345政务服务便民热线")),
            ("key_service", .string("api_key 由平台运维人员用 tongguan open311 key add 签发")),
            ("endpoints", .list(item: "endpoint", [endpoint])),
        ])
        return format.response(value, root: "discovery")
    }

    static func baseURL(_ req: Request) -> String {
        let host = req.headers.first(name: .host).flatMap { h in h.allSatisfy { $0.isLetter || $0.isNumber || ".-:[]".contains($0) } ? h : nil }
        return "http://\(host ?? "localhost")/open311/v2"
    }

    static func serviceValue(_ s: Open311Service) -> GeoValue {
        .object([
            ("service_code", .string(s.code)), ("service_name", .string(s.name)), ("description", .string(s.description)),
            ("metadata", .bool(s.metadata)), ("type", .string("realtime")), ("keywords", .string(s.keywords.joined(separator: ","))),
            ("group", .string(s.group)),
        ])
    }

    func services(_ req: Request, _ format: GeoFormat) async throws -> Response {
        let list = try await Open311Services.all(activeOnly: true, on: req.db).map { Self.serviceValue($0.service) }
        return format.response(.list(item: "service", list), root: "services")
    }

    func definition(_ req: Request, _ code: String, _ format: GeoFormat) async throws -> Response {
        guard let r = try await Open311Services.find(code, on: req.db), r.active else { throw GeoError.notFound }
        let s = r.service
        let attributes = s.attributes.sorted { $0.order < $1.order }.map { a -> GeoValue in
            .object([
                ("variable", .bool(true)), ("code", .string(a.code)), ("datatype", .string(a.datatype.rawValue)), ("required", .bool(a.required)),
                ("datatype_description", .string(a.datatypeDescription)), ("order", .int(a.order)), ("description", .string(a.description)),
                ("values", .list(item: "value", a.values.map { .object([("key", .string($0.key)), ("name", .string($0.name))]) })),
            ])
        }
        let value = GeoValue.object([("service_code", .string(s.code)), ("attributes", .list(item: "attribute", attributes))])
        return format.response(value, root: "service_definition")
    }

    // MARK: reading requests

    /// One online case as GeoReport's request: never the requester.
    static func requestValue(_ c: CaseRecord, services: [String: Open311Service], units: [UUID: String]) -> GeoValue {
        let closed = c.caseState == .closed
        let received = c.received
        var requested = W3CDateTime.startOfDay(received)
        if let created = c.createdAt, W3CDateTime.day(of: created) == received { requested = W3CDateTime.format(created) }
        let service = c.serviceCode.flatMap { services[$0] }
        return .object([
            ("service_request_id", .string(c.number)), ("status", .string(closed ? "closed" : "open")),
            ("status_notes", .text(closed ? c.replyText : nil)), ("service_name", .string(service?.name ?? c.caseKind.label)),
            ("service_code", .text(c.serviceCode)), ("description", .string(c.content)),
            ("agency_responsible", .text(c.unitID.flatMap { units[$0] })), ("service_notice", .null),
            ("requested_datetime", .string(requested)), ("updated_datetime", .text(c.updatedAt.map(W3CDateTime.format))),
            ("expected_datetime", .text(c.dueHandle.flatMap(CivilDate.init(iso:)).map(W3CDateTime.endOfDay))),
            ("address", .text(c.address)), ("address_id", .null), ("zipcode", .null),
            ("lat", c.lat.map(GeoValue.number) ?? .null), ("long", c.long.map(GeoValue.number) ?? .null), ("media_url", .null),
        ])
    }

    static func render(_ cases: [CaseRecord], format: GeoFormat, on db: any Database) async throws -> Response {
        var services: [String: Open311Service] = [:]
        for r in try await Open311Services.all(activeOnly: false, on: db) { services[r.id ?? ""] = r.service }
        let unitIDs = Set(cases.compactMap(\.unitID))
        var units: [UUID: String] = [:]
        if !unitIDs.isEmpty {
            for u in try await CaseUnit.query(on: db).filter(\.$id ~~ Array(unitIDs)).all() { units[u.id!] = u.name }
        }
        let list = cases.map { requestValue($0, services: services, units: units) }
        return format.response(.list(item: "request", list), root: "service_requests")
    }

    /// Online cases only: the one base of every read here.
    static func online(on db: any Database) -> QueryBuilder<CaseRecord> {
        CaseRecord.query(on: db).filter(\.$source == CaseSource.online.rawValue)
    }

    static func query(_ req: Request, _ name: String) -> String? {
        guard let v = req.query[String.self, at: name] else { return nil }
        let t = TextPolicy.trimmed(v)
        return t.isEmpty ? nil : t
    }

    static func commaList(_ raw: String) -> [String] {
        raw.split(separator: ",").map { TextPolicy.trimmed(String($0)) }.filter { !$0.isEmpty }
    }

    func requests(_ req: Request, _ format: GeoFormat) async throws -> Response {
        var problems: [String] = []
        for name in ["service_request_id", "service_code", "status", "start_date", "end_date", "jurisdiction_id"] {
            if let v = req.query[String.self, at: name], v.count > 4000 || TextPolicy.firstProblem(in: v) != nil {
                problems.append("\(name):参数过长或含不允许的字符")
            }
        }
        if !problems.isEmpty { throw GeoError(.badRequest, problems) }
        var q = Self.online(on: req.db)
        if let raw = Self.query(req, "jurisdiction_id") {
            guard let code = DivisionCode(raw) else { throw GeoError(.badRequest, "jurisdiction_id:应为区划代码") }
            q = q.filter(\.$divisionCode =~ DivisionScope(code).prefix)
        }
        // service_request_id overrides every other filter (GeoReport).
        if let raw = Self.query(req, "service_request_id") {
            let ids = Self.commaList(raw)
            guard ids.count <= Self.maxIDs else { throw GeoError(.badRequest, "service_request_id:一次最多查询\(Self.maxIDs)件") }
            let cases = try await q.filter(\.$number ~~ ids).sort(\.$number).all()
            return try await Self.render(cases, format: format, on: req.db)
        }
        if let raw = Self.query(req, "service_code") {
            let codes = Self.commaList(raw)
            if codes.count > 100 || !codes.allSatisfy(Open311Service.isCode) { problems.append("service_code:服务代码格式不正确") }
            q = q.filter(\.$serviceCode ~~ codes)
        }
        if let raw = Self.query(req, "status") {
            let statuses = Set(Self.commaList(raw))
            if statuses.isEmpty || !statuses.isSubset(of: ["open", "closed"]) {
                problems.append("status:应为 open 或 closed(可用逗号分隔)")
            } else if statuses == ["open"] {
                q = q.filter(\.$state != CaseState.closed.rawValue)
            } else if statuses == ["closed"] {
                q = q.filter(\.$state == CaseState.closed.rawValue)
            }
        }
        var start: Date? = nil
        var end: Date? = nil
        for (name, target) in [("start_date", 0), ("end_date", 1)] {
            guard let raw = Self.query(req, name) else { continue }
            guard let d = W3CDateTime.parse(raw) else {
                problems.append("\(name):应为带时区的 W3C 日期时间,如 2026-11-01T00:00:00+08:00")
                continue
            }
            if target == 0 { start = d } else { end = d }
        }
        let span = TimeInterval(Self.maxDays * 86400)
        switch (start, end) {
        case (nil, nil): end = Date(); start = end! - span
        case (let s?, nil): end = s + span
        case (nil, let e?): start = e - span
        case (let s?, let e?):
            if s > e { problems.append("start_date:不能晚于 end_date") }
            if e.timeIntervalSince(s) > span { problems.append("end_date:查询范围不能超过\(Self.maxDays)天") }
        }
        if !problems.isEmpty { throw GeoError(.badRequest, problems) }
        let from = W3CDateTime.day(of: start!).description, to = W3CDateTime.day(of: end!).description
        let cases = try await q.filter(\.$receivedOn >= from).filter(\.$receivedOn <= to)
            .sort(\.$receivedOn, .descending).sort(\.$number, .descending).range(0..<Self.maxResults).all()
        return try await Self.render(cases, format: format, on: req.db)
    }

    func request(_ req: Request, _ id: String, _ format: GeoFormat) async throws -> Response {
        guard CaseNumber(id) != nil, let c = try await Self.online(on: req.db).filter(\.$number == id).first() else { throw GeoError.notFound }
        return try await Self.render([c], format: format, on: req.db)
    }

    func token(_ req: Request, _ token: String, _ format: GeoFormat) async throws -> Response {
        guard Open311Submission.isToken(token), let c = try await Self.online(on: req.db).filter(\.$open311Token == token).first() else {
            throw GeoError.notFound
        }
        let item = GeoValue.object([("service_request_id", .string(c.number)), ("token", .string(token))])
        return format.response(.list(item: "request", [item]), root: "service_requests")
    }

    // MARK: filing a request

    func post(_ req: Request, _ format: GeoFormat) async throws -> Response {
        let type = req.headers.contentType
        if let type, !(type.type == "application" && type.subType == "x-www-form-urlencoded") {
            throw GeoError(.badRequest, "请以 application/x-www-form-urlencoded 表单提交")
        }
        let body: ByteBuffer
        do { body = try await req.body.collect(upTo: Self.maxBody) } catch { throw GeoError(.badRequest, "请求体不能超过 64 KB") }
        guard let form = FormBody(String(decoding: body.readableBytesView, as: UTF8.self)) else {
            throw GeoError(.badRequest, "表单编码不正确")
        }
        // api_key may come in the query string too (some clients send it there).
        let key = form.first("api_key") ?? req.query[String.self, at: "api_key"]
        guard let issued = try await Open311Keys.verify(key, on: req.db) else { throw GeoError(.forbidden, "api_key 无效或已吊销") }
        let submission = try await Open311Submission.check(form, key: issued, on: req.db)
        let actor = AuditActor(name: "open311:\(issued.name)", requestID: req.auditActor.requestID, clientAddress: req.auditActor.clientAddress)
        let app = req.application
        let c = try await CaseService.register(
            submission.details, extra: submission.extra, actor: actor, keys: { try app.dataKeys }, on: req.db)
        let item = GeoValue.object([
            ("service_request_id", .string(c.number)), ("token", .text(c.open311Token)),
            ("service_notice", .string("已登记,将转交承办单位办理;请用 service_request_id 查询办理情况")), ("account_id", .text(submission.accountID)),
        ])
        return format.response(.list(item: "request", [item]), root: "service_requests", status: .created)
    }
}

/// A form-encoded body: every value of every name, percent-decoded (`+` is a space).
struct FormBody {
    var values: [String: [String]] = [:]

    init?(_ text: String) {
        guard !text.isEmpty else { return }
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else { return nil }
            values[name, default: []].append(value)
        }
    }

    static func decode(_ s: Substring) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    func first(_ name: String) -> String? { values[name]?.first }

    /// `attribute[code]` and `attribute[code][]` answers, by code.
    var attributes: [String: [String]] {
        var out: [String: [String]] = [:]
        for (name, list) in values where name.hasPrefix("attribute[") {
            var inner = name.dropFirst("attribute[".count)
            if inner.hasSuffix("[]") { inner = inner.dropLast(2) }
            guard inner.hasSuffix("]") else { continue }
            out[String(inner.dropLast()), default: []].append(contentsOf: list)
        }
        return out
    }

    /// Names that are neither GeoReport's nor an attribute.
    var unknownNames: [String] {
        values.keys.filter { !$0.hasPrefix("attribute[") && !Open311Submission.knownFields.contains($0) }.sorted()
    }
}
