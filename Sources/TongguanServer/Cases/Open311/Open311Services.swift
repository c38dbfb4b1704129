import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The Open311 services table: seeded with a few hotline service kinds, edited by the city's
/// admins (`PUT /api/v1/open311/services/{code}`), read by the GeoReport routes.
enum Open311Services {
    /// The hotline service kinds every database starts with.
    static let seeded: [Open311Service] = [
        Open311Service(
            code: "road_damage", name: "道路破损", description: "路面坑洼、裂缝、塌陷等道路损坏。", group: "市政设施", keywords: ["道路", "路面", "坑洼"],
            kind: .helpRequest,
            attributes: [
                .init(
                    code: "damage_type", datatype: .singlevaluelist, required: true, description: "损坏类型", order: 1,
                    values: [.init(key: "pothole", name: "坑洼"), .init(key: "crack", name: "裂缝"), .init(key: "subsidence", name: "塌陷")]),
                .init(code: "area_m2", datatype: .number, required: false, description: "大致面积(平方米)", datatypeDescription: "数字", order: 2),
            ]),
        Open311Service(
            code: "streetlight", name: "路灯不亮", description: "路灯不亮、闪烁或白天常亮。", group: "市政设施", keywords: ["路灯", "照明"],
            kind: .helpRequest,
            attributes: [
                .init(code: "pole_number", datatype: .string, required: false, description: "灯杆编号", datatypeDescription: "灯杆上的编号", order: 1),
                .init(
                    code: "lights_out", datatype: .singlevaluelist, required: true, description: "不亮的数量", order: 2,
                    values: [.init(key: "one", name: "一盏"), .init(key: "several", name: "多盏"), .init(key: "whole_street", name: "整条街")]),
            ]),
        Open311Service(
            code: "noise", name: "噪音扰民", description: "施工、经营、交通等噪音影响居民休息。", group: "生态环境", keywords: ["噪音", "施工", "扰民"],
            kind: .complaint,
            attributes: [
                .init(
                    code: "noise_source", datatype: .multivaluelist, required: true, description: "噪音来源", order: 1,
                    values: [
                        .init(key: "construction", name: "建筑施工"), .init(key: "business", name: "商铺经营"), .init(key: "traffic", name: "交通"),
                        .init(key: "neighbor", name: "邻里生活"),
                    ]),
                .init(
                    code: "noticed_at", datatype: .datetime, required: false, description: "发生时间", datatypeDescription: "如 2026-11-29T22:30:00+08:00",
                    order: 2),
            ]),
        Open311Service(
            code: "garbage", name: "垃圾清运", description: "生活垃圾、建筑垃圾未及时清运。", group: "环境卫生", keywords: ["垃圾", "清运"], kind: .helpRequest),
        Open311Service(
            code: "heating", name: "供暖问题", description: "集中供暖温度不达标、停暖、漏水。", group: "民生保障", keywords: ["供暖", "暖气"], kind: .complaint,
            attributes: [
                .init(code: "indoor_temperature", datatype: .number, required: false, description: "室内温度(摄氏度)", order: 1),
                .init(code: "details", datatype: .text, required: false, description: "补充说明", order: 2),
            ]),
    ]

    /// Seeds the table when it is empty (every start; idempotent).
    static func seedIfEmpty(on db: any Database) async throws {
        guard try await Open311ServiceRecord.query(on: db).count() == 0 else { return }
        try await db.audited(by: .system) { tx, audit in
            let root = try await CalendarService.rootCode(on: tx)
            for s in seeded {
                let r = Open311ServiceRecord()
                r.apply(s)
                r.version = 1
                try await r.create(on: tx)
                audit.record("open311_service.set", entityType: "open311_service", entityID: s.code, divisionCode: root, changes: [])
            }
        }
    }

    static func all(activeOnly: Bool, on db: any Database) async throws -> [Open311ServiceRecord] {
        var q = Open311ServiceRecord.query(on: db)
        if activeOnly { q = q.filter(\.$active == true) }
        return try await q.sort(\.$group).sort(\.$id).all()
    }

    static func find(_ code: String, on db: any Database) async throws -> Open311ServiceRecord? {
        guard Open311Service.isCode(code) else { return nil }
        return try await Open311ServiceRecord.find(code, on: db)
    }

    /// Creates or replaces a service (the definition already checked); audited.
    static func put(_ s: Open311Service, actor: AuditActor, on db: any Database) async throws -> (Open311ServiceRecord, created: Bool) {
        try await db.audited(by: actor) { tx, audit in
            let root = try await CalendarService.rootCode(on: tx)
            let existing = try await Open311ServiceRecord.find(s.code, on: tx)
            let r = existing ?? Open311ServiceRecord()
            let before = existing?.service
            r.apply(s)
            var diff = AuditDiff()
            diff.add("name", before: before?.name, after: s.name)
            diff.add("group", before: before?.group, after: s.group)
            diff.add("kind", before: before?.kind.rawValue, after: s.kind.rawValue)
            diff.add("active", before: before.map { String($0.active) }, after: String(s.active))
            diff.add(
                "attributes", before: before.map { $0.attributes.map(\.code).joined(separator: ",") },
                after: s.attributes.map(\.code).joined(separator: ","))
            if existing != nil {
                r.version += 1
                try await r.update(on: tx)
            } else {
                r.version = 1
                try await r.create(on: tx)
            }
            audit.record("open311_service.set", entityType: "open311_service", entityID: s.code, divisionCode: root, changes: diff.changes)
            return (r, existing == nil)
        }
    }
}

/// Open311 `api_key`s: issued by an operator on the command line, printed once, stored as
/// SHA-256 only; each files requests in its own division.
enum Open311Keys {
    static let prefix = "o311_"

    /// Issues a key; answers the clear key (to print once).
    static func add(name raw: String, division raw2: String, actor: AuditActor, on db: any Database) async throws -> String {
        let name: String
        do { name = try TextPolicy.singleLine(raw) } catch { throw Refusal.invalid("name", error.message) }
        guard !name.isEmpty, name.count <= 50 else { throw Refusal.invalid("name", "名称应为 1–50 个字符") }
        guard let division = DivisionCode(TextPolicy.trimmed(raw2)), try await Division.find(division.rawValue, on: db) != nil else {
            throw Refusal.invalid("division", "区划不存在")
        }
        let generated = ApiToken.generate()
        let key = prefix + generated.token
        let hash = ApiToken.hash(key)
        try await db.audited(by: actor) { tx, audit in
            if try await Open311KeyRecord.query(on: tx).filter(\.$name == name).first() != nil {
                throw Refusal.conflict("名称「\(name)」已被使用")
            }
            let r = Open311KeyRecord()
            r.name = name
            r.divisionCode = division.rawValue
            r.keyHash = hash
            try await r.create(on: tx)
            audit.record(
                "open311_key.add", entityType: "open311_key", entityID: r.id!.uuidString, divisionCode: division.rawValue,
                changes: [
                    AuditChange(field: "name", before: nil, after: name), AuditChange(field: "division_code", before: nil, after: division.rawValue),
                ])
        }
        return key
    }

    static func revoke(name: String, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            guard let r = try await Open311KeyRecord.query(on: tx).filter(\.$name == TextPolicy.trimmed(name)).first() else {
                throw Refusal.notFound
            }
            guard r.revokedAt == nil else { throw Refusal.conflict("密钥「\(r.name)」已经吊销") }
            r.revokedAt = Date()
            try await r.save(on: tx)
            audit.record(
                "open311_key.revoke", entityType: "open311_key", entityID: r.id!.uuidString, divisionCode: r.divisionCode,
                changes: [AuditChange(field: "revoked", before: "false", after: "true")])
        }
    }

    static func list(on db: any Database) async throws -> [Open311KeyRecord] {
        try await Open311KeyRecord.query(on: db).sort(\.$name).all()
    }

    /// The live key a client sent, or nil.
    static func verify(_ key: String?, on db: any Database) async throws -> Open311KeyRecord? {
        guard let key, key.hasPrefix(prefix), key.count < 200 else { return nil }
        guard let r = try await Open311KeyRecord.query(on: db).filter(\.$keyHash == ApiToken.hash(key)).first(), r.revokedAt == nil else {
            return nil
        }
        return r
    }
}
