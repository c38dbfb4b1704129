import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/open311/services`: the Open311 services table for admins (inactive ones too).
/// Any signed-in user reads it; only a city admin creates or replaces a service.
struct Open311ServicesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let services = routes.grouped("open311", "services")
        services.get(use: list).openAPI(
            .init(summary: "Open311 服务类型(含停用的)", tag: "诉求", response: .array(.ref("Open311Service"))))
        services.get(":code", use: show).openAPI(.init(summary: "查看 Open311 服务类型", tag: "诉求", response: .ref("Open311Service"), errors: [404]))
        services.put(":code", use: put).openAPI(
            .init(
                summary: "新建或修改 Open311 服务类型(仅市级管理员)", tag: "诉求", body: .ref("Open311ServiceChange"), response: .ref("Open311Service"),
                alsoStatus: [201], errors: [403]))
    }

    struct ValueDTO: Content {
        var key: String
        var name: String
    }

    struct AttributeDTO: Content {
        var code: String
        var datatype: String
        var required: Bool
        var description: String
        var datatypeDescription: String
        var order: Int
        var values: [ValueDTO]
    }

    struct ServiceDTO: Content {
        var code: String
        var name: String
        var description: String
        var group: String
        var keywords: [String]
        var kind: String
        var active: Bool
        var metadata: Bool
        var attributes: [AttributeDTO]
        var version: Int

        init(_ r: Open311ServiceRecord) {
            let s = r.service
            code = s.code; name = s.name; description = s.description; group = s.group; keywords = s.keywords; kind = s.kind.label
            active = s.active; metadata = s.metadata; version = r.version
            attributes = s.attributes.map {
                AttributeDTO(
                    code: $0.code, datatype: $0.datatype.rawValue, required: $0.required, description: $0.description,
                    datatypeDescription: $0.datatypeDescription, order: $0.order, values: $0.values.map { ValueDTO(key: $0.key, name: $0.name) })
            }
        }
    }

    static let attributeSchema = JSONSchema.object(
        [
            ("code", .string(description: "属性代码(字母、数字、- 或 _)")), ("datatype", .string(values: Open311Service.Datatype.allCases.map(\.rawValue))),
            ("required", .boolean), ("description", .string(description: "问题")), ("datatype_description", .string(description: "填写说明")),
            ("order", .integer(minimum: 1, maximum: 1000)),
            ("values", .array(.object([("key", .string()), ("name", .string())], required: ["key", "name"]))),
        ], required: ["code", "datatype", "required", "description", "order"])

    static let schemas: [String: JSONSchema] = [
        "Open311Service": .object(
            [
                ("code", .string()), ("name", .string()), ("description", .string()), ("group", .string()), ("keywords", .array(.string())),
                ("kind", .string(description: "登记为诉求时的类别", values: CaseSource.online.kinds.map(\.label))), ("active", .boolean),
                ("metadata", .boolean), ("attributes", .array(attributeSchema)), ("version", .integer()),
            ], required: ["code", "name", "description", "group", "keywords", "kind", "active", "metadata", "attributes", "version"]),
        "Open311ServiceChange": .object(
            [
                ("name", .string()), ("description", .string()), ("group", .string()), ("keywords", .array(.string())),
                ("kind", .string(values: CaseSource.online.kinds.map(\.label))), ("active", .boolean), ("attributes", .array(attributeSchema)),
            ], required: ["name", "group", "kind"]),
    ]

    func list(req: Request) async throws -> [ServiceDTO] {
        _ = try req.caller
        return try await Open311Services.all(activeOnly: false, on: req.db).map(ServiceDTO.init)
    }

    func show(req: Request) async throws -> ServiceDTO {
        _ = try req.caller
        guard let r = try await Open311Services.find(req.parameters.get("code") ?? "", on: req.db) else { throw Refusal.notFound }
        return ServiceDTO(r)
    }

    func put(req: Request) async throws -> Response {
        let caller = try req.caller
        try await CaseSettingsAPI.requireCityAdmin(caller, on: req.db)
        let code = req.parameters.get("code") ?? ""
        var input = try InputReader(req)
        let name = input.string("name", required: true, maxLength: 1000) ?? ""
        let description = input.string("description", maxLength: 10_000, multiLine: true) ?? ""
        let group = input.string("group", required: true, maxLength: 1000) ?? ""
        var keywords: [String] = []
        input.markSeen("keywords")
        switch input.rawValue("keywords") {
        case .none, .some(.null): break
        case .array(let items):
            for (i, item) in items.enumerated() {
                if case .string(let s) = item { keywords.append(TextPolicy.trimmed(s)) } else { input.add("keywords[\(i)]", "应为字符串") }
            }
        default: input.add("keywords", "应为字符串数组")
        }
        let kindText = input.string("kind", required: true, maxLength: 20)
        let kind = kindText.flatMap { CaseKind(label: $0) }
        if kindText != nil && kind == nil { input.add("kind", "类别应为 " + CaseSource.online.kinds.map(\.label).joined(separator: "、")) }
        let active = input.bool("active") ?? true
        var attributes: [Open311Service.Attribute] = []
        for (i, item) in (input.array("attributes") ?? []).enumerated() {
            var r = InputReader(object: item)
            let code = r.string("code", required: true, maxLength: 100)
            let datatype = r.enumeration("datatype", Open311Service.Datatype.self, required: true)
            let required = r.bool("required", required: true)
            let question = r.string("description", required: true, maxLength: 1000)
            let help = r.string("datatype_description", maxLength: 1000, nullable: true) ?? ""
            let order = r.integer("order", required: true, range: -1_000_000...1_000_000)
            var values: [Open311Service.Value] = []
            for (j, v) in (r.array("values") ?? []).enumerated() {
                var vr = InputReader(object: v)
                let key = vr.string("key", required: true, maxLength: 100), vname = vr.string("name", required: true, maxLength: 1000)
                _ = try? vr.finish()
                for p in vr.problems.problems { r.add("values[\(j)].\(p.field)", p.message) }
                if let key, let vname { values.append(.init(key: key, name: vname)) }
            }
            _ = try? r.finish()
            for p in r.problems.problems { input.add("attributes[\(i)].\(p.field)", p.message) }
            if let code, let datatype, let required, let question, let order {
                attributes.append(
                    .init(
                        code: code, datatype: datatype, required: required, description: question, datatypeDescription: help, order: Int(order),
                        values: values))
            } else {
                // Keep the positions of the rest for their problems.
                attributes.append(.init(code: "_\(i)", datatype: .string, required: false, description: "-", order: 1))
            }
        }
        let service = Open311Service(
            code: code, name: name, description: description, group: group, keywords: keywords, kind: kind ?? .helpRequest, active: active,
            attributes: attributes)
        let flagged = Set(input.problems.problems.map(\.field))
        for p in service.problems() where !flagged.contains(p.field) && !(p.field == "kind" && kind == nil) { input.add(p.field, p.message) }
        try input.finish()
        let (record, created) = try await Open311Services.put(service, actor: req.auditActor, on: req.db)
        return try await ServiceDTO(record).encodeResponse(status: created ? .created : .ok, for: req)
    }
}
