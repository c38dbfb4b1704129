import Vapor

/// Builds the OpenAPI 3.1 document from the routes themselves.
enum OpenAPIDocument {
    static func build(routes: [Route], components: [String: JSONSchema]) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            guard let op = route.apiOperation else { continue }
            let path =
                "/"
                + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
            paths[path, default: [:]][route.method.rawValue.lowercased()] = operation(op, path: route.path)
        }
        var schemas: [String: JSONValue] = [
            "Problem": problemSchema.json,
            "PageMetadata": JSONSchema.object(
                [
                    ("page", .integer()), ("per", .integer()), ("total", .integer()),
                ], required: ["page", "per", "total"]
            ).json,
        ]
        for (name, schema) in components { schemas[name] = schema.json }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("统管 Tongguan API"),
                "version": .string("1"),
                "description": .string("吕梁市统管平台的 JSON 接口。所有错误均为 application/problem+json (RFC 9457)。"),
            ]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(schemas),
                "securitySchemes": .object([
                    "bearer": .object(["type": .string("http"), "scheme": .string("bearer")])
                ]),
            ]),
        ])
    }

    static let problemSchema = JSONSchema.object(
        [
            ("type", .string(format: "uri")), ("title", .string()), ("status", .integer()),
            ("detail", .string()), ("instance", .string()), ("request_id", .string()),
            ("errors", .array(.object([("field", .string()), ("message", .string())], required: ["field", "message"]))),
            ("rows", .array(.object([("row", .integer()), ("column", .string()), ("message", .string())], required: ["row", "column", "message"]))),
            ("row_count", .integer()),
            (
                "row_summary",
                .array(.object([("column", .string()), ("message", .string()), ("count", .integer())], required: ["column", "message", "count"]))
            ),
            ("conditions", .array(.object([("code", .string()), ("message", .string())], required: ["code", "message"]))),
        ], required: ["type", "title", "status"])

    private static func operation(_ op: APIOperation, path: [PathComponent]) -> JSONValue {
        var o: [String: JSONValue] = ["summary": .string(op.summary), "tags": .array([.string(op.tag)])]
        var parameters: [JSONValue] = []
        for component in path {
            if case .parameter(let name) = component {
                parameters.append(
                    .object([
                        "name": .string(name), "in": .string("path"), "required": .bool(true),
                        "schema": JSONSchema.string().json,
                    ]))
            }
        }
        for p in op.query {
            // An empty optional parameter means "not given", as HTML filter forms send it.
            parameters.append(
                .object([
                    "name": .string(p.name), "in": .string("query"), "required": .bool(p.required),
                    "allowEmptyValue": .bool(!p.required),
                    "description": .string(p.description), "schema": p.schema.json,
                ]))
        }
        for p in op.headers {
            parameters.append(
                .object([
                    "name": .string(p.name), "in": .string("header"), "required": .bool(p.required),
                    "description": .string(p.description), "schema": p.schema.json,
                ]))
        }
        if !parameters.isEmpty { o["parameters"] = .array(parameters) }
        if let body = op.body {
            let types = op.bodyMediaTypes ?? ["application/json"]
            o["requestBody"] = .object([
                "required": .bool(true),
                "content": .object(
                    Dictionary(uniqueKeysWithValues: types.map { ($0, JSONValue.object(["schema": body.json])) })),
            ])
        }
        var responses: [String: JSONValue] = [:]
        for status in [op.status] + op.alsoStatus {
            if let response = op.response {
                let types = op.responseMediaTypes ?? ["application/json"]
                responses[String(status)] = .object([
                    "description": .string(status == 201 ? "已新建" : "成功"),
                    "content": .object(
                        Dictionary(uniqueKeysWithValues: types.map { ($0, JSONValue.object(["schema": response.json])) })),
                ])
            } else {
                responses[String(status)] = .object(["description": .string("成功")])
            }
        }
        var errors = Set(op.errors)
        errors.insert(500)
        if op.authenticated { errors.formUnion([401]) }
        if op.body != nil { errors.formUnion([400, 413, 415, 422]) }
        for status in errors.sorted() {
            responses[String(status)] = .object([
                "description": .string(Problem.title(for: HTTPResponseStatus(statusCode: status))),
                "content": .object(["application/problem+json": .object(["schema": JSONSchema.ref("Problem").json])]),
            ])
        }
        o["responses"] = .object(responses)
        o["security"] = op.authenticated ? .array([.object(["bearer": .array([])])]) : .array([])
        return .object(o)
    }
}
