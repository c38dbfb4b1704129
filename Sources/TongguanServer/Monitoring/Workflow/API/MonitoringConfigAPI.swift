import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/monitoring/lines` and `/api/v1/monitoring/settings`: the data the rules read
/// that varies by place and year, edited by administrators.
struct MonitoringConfigAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let monitoring = routes.grouped("monitoring")
        monitoring.get("lines", use: lines).openAPI(
            .init(summary: "列出监测收入线(适用于本辖区的,按区划前缀和年度)", tag: "监测", response: .array(.ref("MonitoringLine"))))
        monitoring.put("lines", use: setLine).openAPI(
            .init(
                summary: "设置某区划某年度的监测收入线(替换原值;管理员)", tag: "监测", body: .ref("MonitoringLine"), response: .ref("MonitoringLine"),
                errors: [403, 422]))
        monitoring.get("settings", use: settings).openAPI(
            .init(summary: "监测参数:默认值、本辖区生效值和各区划的设置", tag: "监测", response: .ref("MonitoringSettings")))
        monitoring.put("settings", use: setSettings).openAPI(
            .init(
                summary: "设置某区划的监测参数(为 null 的项沿用上级或默认值;管理员)", tag: "监测", body: .ref("MonitoringSettingsInput"),
                response: .ref("MonitoringSettingsOverride"), errors: [403, 422]))
    }

    static let schemas: [String: JSONSchema] = [
        "MonitoringLine": MonitoringLineDTO.schema, "MonitoringSettings": SettingsDTO.schema,
        "MonitoringSettingsValues": SettingsValuesDTO.schema, "MonitoringSettingsOverride": SettingsOverrideDTO.schema,
        "MonitoringSettingsInput": SettingsOverrideDTO.inputSchema,
    ]

    func lines(req: Request) async throws -> [MonitoringLineDTO] {
        let caller = try req.caller
        return try await MonitoringConfig.lines(on: req.db).rows
            .filter { MonitoringConfig.visible($0.division, in: caller.scope) }
            .sorted { ($0.year, $0.division.significantPrefix) > ($1.year, $1.division.significantPrefix) }
            .map(MonitoringLineDTO.init)
    }

    /// The division a config row is for: a prefix, and one the caller may configure (else
    /// a problem on `division_code`, as every create route treats a division out of scope).
    static func configDivision(_ input: inout InputReader, caller: Caller, on db: any Database) async throws -> DivisionCode? {
        guard let raw = input.string("division_code", required: true, maxLength: 12) else { return nil }
        let division: DivisionCode
        do { division = try MonitoringConfig.division(prefix: raw) } catch {
            input.add("division_code", error.message + "(也可填2位省级或4位市级前缀)")
            return nil
        }
        guard try await MonitoringConfig.mayConfigure(division, caller: caller, on: db) else {
            input.add("division_code", "不在您的管辖范围内")
            return nil
        }
        return division
    }

    func setLine(req: Request) async throws -> MonitoringLineDTO {
        let caller = try req.caller
        try caller.require(\.canConfigureMonitoring)
        var input = try InputReader(req)
        let division = try await Self.configDivision(&input, caller: caller, on: req.db)
        let year = input.integer("year", required: true, range: 2000...2100)
        let lineFen = input.integer("line_fen", required: true, range: 1...100_000_000)
        try input.finish()
        let line = MonitoringLine(division: division!, year: Int(year!), lineFen: lineFen!)
        try await MonitoringConfig.setLine(line, actor: req.auditActor, on: req.db)
        return MonitoringLineDTO(line)
    }

    func settings(req: Request) async throws -> SettingsDTO {
        let caller = try req.caller
        let overrides = try await MonitoringConfig.overrides(on: req.db)
        return SettingsDTO(
            defaults: SettingsValuesDTO(.defaults),
            effective: SettingsValuesDTO(MonitoringSettings.resolve(for: caller.scope.root, overrides: overrides)),
            overrides: overrides.filter { MonitoringConfig.visible($0.division, in: caller.scope) }
                .sorted { $0.division.significantPrefix < $1.division.significantPrefix }.map(SettingsOverrideDTO.init))
    }

    func setSettings(req: Request) async throws -> SettingsOverrideDTO {
        let caller = try req.caller
        try caller.require(\.canConfigureMonitoring)
        var input = try InputReader(req)
        let division = try await Self.configDivision(&input, caller: caller, on: req.db)
        typealias F = MonitoringSettings.Field
        func permille(_ field: F) -> MonitoringSettings.Permille? {
            guard let raw = input.string(field.rawValue, maxLength: 20, nullable: true) else { return nil }
            guard let value = MonitoringSettings.Permille(parsing: raw) else {
                input.add(field.rawValue, "\(field.label)应为最多3位小数的数字,如 1.5 或 0.3")
                return nil
            }
            return value
        }
        func days(_ field: F) -> Int? {
            input.markSeen(field.rawValue)
            if case .some(.null) = input.rawValue(field.rawValue) { return nil }
            return input.integer(field.rawValue, range: 0...1000).map(Int.init)
        }
        var o = MonitoringSettingsOverride(division: division ?? DivisionCode("141100")!)
        o.nearLineFactor = permille(.nearLineFactor)
        o.incomeDropFraction = permille(.incomeDropFraction)
        o.largeExpenseFraction = permille(.largeExpenseFraction)
        o.noticePeriodDays = days(.noticePeriodDays)
        o.minimumMonitoringMonths = days(.minimumMonitoringMonths)
        for p in o.problems { input.add(p.field, p.message) }
        try input.finish()
        try await MonitoringConfig.setSettings(o, actor: req.auditActor, on: req.db)
        return SettingsOverrideDTO(o)
    }
}

extension Role {
    /// Monitoring lines and settings, and the warning scan: administrators only.
    var canConfigureMonitoring: Bool { self == .admin }
}
