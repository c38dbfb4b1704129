import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The ledgers shipped with the platform for the campaigns the article names, owned by the
/// city (every county sees them). `tongguan ledgers seed` installs the ones a database does
/// not have yet; `serve --demo` installs them and fills them (`LedgerDemo`).
enum LedgerSeeds {
    static func field(
        _ key: String, _ label: String, _ type: String, required: Bool = false, unique: Bool = false, listed: Bool = false,
        options: [String]? = nil
    ) -> [String: Any] {
        var f: [String: Any] = ["key": key, "label": label, "type": type, "required": required, "unique": unique, "listed": listed]
        if let options { f["options"] = options }
        return f
    }

    static let rivers = ["汾河", "黄河", "三川河", "湫水河", "屈产河", "文峪河"]
    static let outfallKinds = ["工业排污口", "城镇污水处理厂排污口", "农业排口", "其他排口"]
    static let reformWays = ["直接取消审批", "审批改备案", "实行告知承诺", "优化审批服务"]

    static var json: [[String: Any]] {
        [
            [
                "code": "village-task-force", "name": "驻村工作队员", "description": "驻村工作队及队员、第一书记派驻情况", "division_code": "141100",
                "has_due_date": false, "has_owner": false,
                "fields": [
                    field("team", "工作队编号", "text", required: true, listed: true), field("village", "派驻村", "division", required: true, listed: true),
                    field("name", "姓名", "name", required: true, listed: true), field("id_number", "身份证号", "resident_id", unique: true),
                    field("role", "职务", "choice", required: true, listed: true, options: ["第一书记", "队长", "队员"]),
                    field("sent_by", "派出单位", "unit"), field("sent_on", "派驻日期", "date"),
                ],
            ],
            [
                "code": "weak-village-party", "name": "软弱涣散村党组织整顿", "description": "一村一策整顿软弱涣散村党组织", "division_code": "141100",
                "has_due_date": true, "has_owner": false,
                "states": [["code": "rectifying", "name": "整顿中", "final": false], ["code": "closed", "name": "已销号", "final": true]],
                "fields": [
                    field("village", "村", "division", required: true, unique: true, listed: true), field("problem", "主要问题", "text", listed: true),
                    field("measures", "整顿措施", "text"), field("responsible", "整顿责任人", "person"), field("deadline", "整顿期限", "date"),
                ],
            ],
            [
                "code": "river-outfalls", "name": "入河排污口", "description": "入河排污口登记、建档、立标志牌", "division_code": "141100",
                "has_due_date": false, "has_owner": true,
                "fields": [
                    field("number", "编号", "text", required: true, unique: true, listed: true),
                    field("river", "所在河流", "choice", required: true, listed: true, options: rivers), field("location", "位置", "text"),
                    field("kind", "类型", "choice", listed: true, options: outfallKinds), field("registered", "登记", "bool"),
                    field("filed", "建档", "bool"), field("signposted", "立标志牌", "bool"), field("discharger", "排污单位", "unit"),
                    field("contact", "联系人", "person"),
                ],
            ],
            [
                "code": "safety-inspection", "name": "安全生产巡回检查组", "description": "安全生产大检查巡回检查组", "division_code": "141100",
                "has_due_date": false, "has_owner": false,
                "fields": [
                    field("group", "组别", "text", required: true, unique: true, listed: true), field("leader", "带队领导", "text", listed: true),
                    field("members", "人数", "integer", required: true, listed: true), field("checked_on", "检查日期", "date"),
                    field("target", "检查对象", "text", listed: true),
                ],
            ],
            [
                "code": "gov-services", "name": "政务服务事项", "description": "一网通办:全程网办与一窗受理事项", "division_code": "141100",
                "has_due_date": false, "has_owner": false,
                "fields": [
                    field("code", "事项编码", "text", required: true, unique: true, listed: true),
                    field("name", "事项名称", "text", required: true, listed: true),
                    field("department", "实施部门", "unit", listed: true), field("online", "全程网办", "bool", listed: true),
                    field("one_window", "一窗受理", "bool", listed: true),
                ],
            ],
            [
                "code": "enterprise-approval-reform", "name": "涉企审批改革事项", "description": "涉企经营许可事项改革", "division_code": "141100",
                "has_due_date": false, "has_owner": false,
                "fields": [
                    field("name", "事项名称", "text", required: true, unique: true, listed: true),
                    field("way", "改革方式", "choice", required: true, listed: true, options: reformWays), field("done", "完成", "bool", listed: true),
                ],
            ],
        ]
    }

    static func definitions() throws -> [LedgerDefinition] {
        try json.map { try LedgerDefinition(json: LedgerJSON.parse(JSONSerialization.data(withJSONObject: $0))) }
    }

    /// Installs the shipped definitions a database lacks; returns them as 「名称(代码)」.
    static func install(caller: Caller, actor: AuditActor, on db: any Database) async throws -> [String] {
        var installed: [String] = []
        for definition in try definitions() where try await Ledger.query(on: db).filter(\.$code == definition.code).first() == nil {
            _ = try await LedgerService.create(definition, caller: caller, actor: actor, on: db)
            installed.append("\(definition.name)(\(definition.code))")
        }
        return installed
    }
}

struct LedgerCommands: AsyncCommandGroup {
    var help: String { "台账" }
    var commands: [String: any AnyAsyncCommand] { ["seed": SeedLedgers()] }
}

/// `tongguan ledgers seed`: installs the shipped ledger definitions (no items).
struct SeedLedgers: PreparedCommand {
    struct Signature: CommandSignature {}

    var help: String { "安装内置台账定义(驻村工作队员、软弱涣散村党组织整顿、入河排污口、安全生产巡回检查组、政务服务事项、涉企审批改革事项);已有的不变" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let caller = try await SheetTransfer.rootCaller(context.application)
        let installed = try await LedgerSeeds.install(caller: caller, actor: .cli(), on: context.application.db)
        context.console.print(installed.isEmpty ? "内置台账均已存在,未作改动" : "已安装台账:" + installed.joined(separator: "、"))
    }
}
