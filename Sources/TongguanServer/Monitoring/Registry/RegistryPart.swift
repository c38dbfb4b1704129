import ConsoleKit
import Fluent
import TongguanDomain
import Vapor

/// The household registry (一户一码) as a part of 监测: households and members, resident IDs
/// sealed at rest, the member sheet, the household card, data quality and demo households.
enum RegistryPart {
    static var migrations: [any Migration] { [CreateRegistry()] }

    static var schemas: [String: JSONSchema] {
        HouseholdsAPI.schemas.merging(MembersAPI.schemas) { a, _ in a }.merging(RegistryTransferAPI.schemas) { a, _ in a }
            .merging(RegistryQualityAPI.schemas) { a, _ in a }.merging(HeadHandOverAPI.schemas) { a, _ in a }
    }

    static let auditLabels: [String: String] = [
        "household.create": "新建农户", "household.update": "修改农户", "household.moved_out": "农户迁出本区划",
        "household.close": "销户", "member.add": "登记成员", "member.update": "修改成员", "member.leave": "成员离户",
        "household.head_change": "更换户主",
        "member.transfer": "成员转出", "member.transfer_in": "成员转入", "member.reveal": "查看完整身份证号",
        "members.import": "导入农户成员表", "members.export_ids": "导出含完整身份证号的成员表", "keys.rotate": "更换数据密钥",
    ]

    static var sheets: [SheetKind] {
        [SheetKind(name: "members", summary: "农户成员表(一户一码)", importCommand: ImportMembers(), exportCommand: ExportMembers())]
    }

    static var commands: [String: any AnyAsyncCommand] { [:] }

    /// Resident IDs, sealed under the platform's data key (`DataProtection`).
    static let sealedColumns = [
        SealedColumn(table: Member.schema, sealed: "resident_id_sealed", blindIndex: "resident_id_index", label: "身份证号")
    ]

    static func routes(_ routes: ModuleRoutes) throws {
        try routes.api.register(collection: RegistryTransferAPI())
        try routes.api.register(collection: RegistryQualityAPI())
        try routes.pages.register(collection: RegistryQualityPage())
        try routes.api.register(collection: HouseholdsAPI())
        try routes.api.register(collection: MembersAPI())
        try routes.api.register(collection: HeadHandOverAPI())
        try routes.pages.register(collection: RegistryPages())
    }

    /// The home page's entries for a role.
    static func entries(for role: Role) -> [MonitoringHomePage.Entry] {
        var entries = [
            MonitoringHomePage.Entry(href: "/monitoring/households", title: "农户", summary: "一户一码:农户与成员的登记、变更、户码卡片。")
        ]
        entries.append(.init(href: "/monitoring/quality", title: "数据质量", summary: "无户主、子女年长于户主、超过110岁、空户、适龄未在校等问题。"))
        if role.canEditRecords {
            entries.append(.init(href: "/monitoring/households/import", title: "导入", summary: "按成员导入农户成员表(CSV 或 xlsx),全部成功或全部不导入。"))
        }
        return entries
    }

    /// Loads the platform's data keys (making the key file on first start) and refuses a key
    /// that cannot read the resident IDs the database holds.
    static func seed(_ app: Application) async throws {
        try await DataProtection.prepare(app, columns: sealedColumns)
    }

    /// The demo villages (示范村一、二 of 临县, 示范村三、四 of 岚县) the divisions' demo adds.
    static let demoVillages = ["141124100901", "141124100902", "141127101901", "141127101902"]
    static let demoPerVillage = 75

    /// A few hundred generated households (`DemoHouseholds`) in the demo villages, through
    /// the member import (so the demo exercises the same path); nothing when they hold any.
    static func loadDemo(_ demo: DemoContext) async throws -> String? {
        let known = try await RegistryFinder.villages(on: demo.db)
        let villages = demoVillages.compactMap(DivisionCode.init).filter { known.contains($0) }
        guard !villages.isEmpty else { return nil }
        if try await Household.query(on: demo.db).filter(\.$divisionCode ~~ villages.map(\.rawValue)).first() != nil {
            return "示范村已有农户,未再载入演示农户。"
        }
        let rows = DemoHouseholds.rows(villages: villages, perVillage: demoPerVillage)
        let text = ([MemberSheet.header] + rows).map { CSVParser.line($0) }.joined(separator: "\r\n")
        let report = try await MemberImport.run(
            .data(Data(text.utf8)), options: .init(), scope: demo.scope, ring: try demo.app.dataKeys, actor: demo.actor, on: demo.db)
        guard report.applied else {
            throw DemoRefused(message: "无法载入演示农户:" + report.problems.prefix(5).map(\.text).joined(separator: ";"))
        }
        return "已载入演示农户 \(report.householdsCreated) 户、\(report.membersCreated) 人(示范村一至四,姓名均以「演示」开头,身份证号为生成的有效号码),打开 /monitoring/households 查看。"
    }
}

extension Application {
    /// The platform's data keys, under the name the registry's code has used since part 1.
    var registryKeys: KeyRing { get throws { try dataKeys } }
}

extension Request {
    var registryKeys: KeyRing { get throws { try application.dataKeys } }
}
