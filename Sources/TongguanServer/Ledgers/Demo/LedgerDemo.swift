import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `serve --demo`: the shipped ledgers filled with made-up items spread over the demo
/// divisions (counties and their townships; the 136 villages of 整顿 stand on townships, as
/// the demo has no village list) so that the aggregate endpoint reproduces the article's
/// figures: 4494 task-force members in 1465 teams with 1263 第一书记; 136 weak village Party
/// organisations; every outfall 登记、建档、立标志牌; 308 inspection groups of 1050 people;
/// 951 service items fully online and 219 one-window; 96 approval reforms done. Names,
/// phones and resident IDs are synthetic (valid check digits, made-up numbers).
enum LedgerDemo {
    struct Figures {
        static let taskForceMembers = 4494
        static let teams = 1465
        static let firstSecretaries = 1263
        static let weakVillages = 136
        static let outfalls = 48
        static let inspectionGroups = 308
        static let inspectors = 1050
        static let onlineServices = 951
        static let oneWindowServices = 219
        static let reformsDone = 96
        static let reforms = 100
    }

    static func load(_ demo: DemoContext) async throws -> String {
        if try await Ledger.query(on: demo.db).count() > 0 {
            throw DemoRefused(message: "数据库中已有台账,未载入演示台账(请用空数据库运行 serve --demo)")
        }
        let caller = Caller(userID: UUID(), username: demo.actor.name, role: .admin, scope: demo.scope)
        _ = try await LedgerSeeds.install(caller: caller, actor: demo.actor, on: demo.db)
        let counties = try await Division.scoped(demo.scope, on: demo.db).filter(\.$level == .county).sort(\.$id).all().compactMap(\.id)
        let townships = try await Division.scoped(demo.scope, on: demo.db).filter(\.$level == .township).sort(\.$id).all().compactMap(\.id)
        guard !counties.isEmpty else { throw DemoRefused(message: "数据库中没有县级区划,无法载入演示台账") }
        // Each item's place: a township (with its county) when there are any, else a county.
        let places = townships.isEmpty ? counties : townships
        func place(_ i: Int) -> DivisionCode { DivisionCode(places[i % places.count])! }
        func county(of code: DivisionCode) -> DivisionCode { DivisionCode(String(code.rawValue.prefix(6)))! }
        let protection = LedgerProtection(demo.app)

        func fill(_ code: String, _ make: (LedgerDefinition) throws -> [LedgerItemContent]) async throws -> Int {
            let (ledger, definition) = try await LedgerService.find(code, in: demo.scope, on: demo.db)
            let ctx = try LedgerContext(ledger, definition)
            let contents = try make(definition)
            try await demo.db.audited(by: demo.actor) { tx, audit in
                var writer = try LedgerItemWriter(tx: tx, audit: audit, ctx: ctx, actor: demo.actor, protection: protection)
                var batch: [(content: LedgerItemContent, event: LedgerStateEvent)] = []
                for content in contents {
                    batch.append((content, try LedgerStateTransition.created(definition: definition, in: content.stateCode, role: .admin)))
                    if batch.count == 3000 {
                        _ = try await writer.insert(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                _ = try await writer.insert(batch)
                try await writer.finish()
            }
            return contents.count
        }

        let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
        let given = Array("建国志强秀英丽华明军海燕红梅文斌晓东春生玉兰国庆福贵永刚桂芳俊杰立新")
        func name(_ i: Int) -> String {
            String(surnames[i % surnames.count]) + String(given[(i / 7) % given.count]) + String(given[(i / 3 + 5) % given.count])
        }
        func phone(_ i: Int) -> String { "139" + String(format: "%08d", 10_000_000 + i * 37 % 89_999_999) }
        func residentID(_ i: Int, county: DivisionCode) -> String {
            let birth = 19_650_101 + (i % 25) * 10_000 + (i % 12) * 100 + i % 28
            let body = county.rawValue + String(birth) + String(format: "%03d", i % 1000)
            for check in Array("0123456789X") where (try? ResidentID.validate(body + String(check))) != nil { return body + String(check) }
            return body + "0"
        }

        // 驻村工作队员: teams of three, the first 99 teams a fourth member; the first member of
        // the first 1263 teams is the 第一书记, of the rest the 队长.
        let members = try await fill("village-task-force") { definition in
            var items: [LedgerItemContent] = []
            var n = 0
            for team in 0..<Figures.teams {
                let size = team < Figures.taskForceMembers - 3 * Figures.teams ? 4 : 3
                let village = place(team)
                for position in 0..<size {
                    let role =
                        position == 0
                        ? (team < Figures.firstSecretaries ? "第一书记" : "队长") : (position == 1 && team < Figures.firstSecretaries ? "队长" : "队员")
                    items.append(
                        LedgerItemContent(
                            divisionCode: village, stateCode: definition.initialState.code,
                            values: [
                                "team": .text(String(format: "驻村%04d", team + 1)), "village": .division(village), "name": .name(name(n)),
                                "id_number": .residentID(residentID(n, county: county(of: village))), "role": .choice(role),
                                "sent_by": .unit(["市委组织部", "市农业农村局", "市财政局", "县直单位", "乡镇"][team % 5]),
                                "sent_on": .date(CivilDate(year: 2021, month: 6 + team % 3, day: 1 + team % 28)!),
                            ]))
                    n += 1
                }
            }
            return items
        }

        // 软弱涣散村党组织整顿: 136, most already 已销号.
        let weak = try await fill("weak-village-party") { definition in
            let problems = ["班子不团结", "组织生活不规范", "带富能力弱", "村务管理混乱"]
            return (0..<Figures.weakVillages).map { i in
                let village = DivisionCode(places[i % places.count])!
                return LedgerItemContent(
                    divisionCode: village, stateCode: i % 5 == 0 ? "rectifying" : "closed",
                    values: [
                        "village": .division(village), "problem": .text(problems[i % problems.count]), "measures": .text("一村一策:选派第一书记,健全组织生活"),
                        "responsible": .person(LedgerPerson(name: name(i + 7000), phone: phone(i + 7000))),
                        "deadline": .date(CivilDate(year: 2021, month: 12, day: 31)!),
                    ], dueDate: CivilDate(year: 2021, month: 12, day: 31)!)
            }
        }

        // 入河排污口: every outfall registered, filed and signposted.
        let outfalls = try await fill("river-outfalls") { definition in
            (0..<Figures.outfalls).map { i in
                let at = DivisionCode(counties[i % counties.count])!
                return LedgerItemContent(
                    divisionCode: at, stateCode: definition.initialState.code,
                    values: [
                        "number": .text(String(format: "LL-PWK-%03d", i + 1)), "river": .choice(LedgerSeeds.rivers[i % LedgerSeeds.rivers.count]),
                        "location": .text("\(i + 1)号排口"), "kind": .choice(LedgerSeeds.outfallKinds[i % LedgerSeeds.outfallKinds.count]),
                        "registered": .bool(true), "filed": .bool(true), "signposted": .bool(true), "discharger": .unit("排污单位\(i + 1)"),
                        "contact": .person(LedgerPerson(name: name(i + 8000), phone: phone(i + 8000))),
                    ], ownerUnit: "生态环境局分局", ownerPerson: name(i + 8100))
            }
        }

        // 安全生产巡回检查组: 308 groups; 126 of four people, the rest of three.
        let groups = try await fill("safety-inspection") { definition in
            let fours = Figures.inspectors - 3 * Figures.inspectionGroups
            return (0..<Figures.inspectionGroups).map { i in
                LedgerItemContent(
                    divisionCode: DivisionCode(counties[i % counties.count])!, stateCode: "done",
                    values: [
                        "group": .text("第\(i + 1)组"), "leader": .text(name(i + 9000)), "members": .integer(i < fours ? 4 : 3),
                        "checked_on": .date(CivilDate(year: 2021, month: 9, day: 1 + i % 28)!),
                        "target": .text(["煤矿", "危化企业", "建筑工地", "道路运输", "人员密集场所"][i % 5]),
                    ])
            }
        }

        // 政务服务事项: 951 fully online, 219 one-window.
        let services = try await fill("gov-services") { definition in
            let departments = ["行政审批服务管理局", "公安局", "人社局", "市场监管局", "住建局"]
            return (0..<(Figures.onlineServices + Figures.oneWindowServices)).map { (i: Int) -> LedgerItemContent in
                let at: String = i % 3 == 0 ? demo.scope.root.rawValue : counties[i % counties.count]
                var values: LedgerValueMap = [:]
                values["code"] = .text(String(format: "LLZW%05d", i + 1))
                values["name"] = .text("政务服务事项\(i + 1)")
                values["department"] = .unit(departments[i % departments.count])
                values["online"] = .bool(i < Figures.onlineServices)
                values["one_window"] = .bool(i >= Figures.onlineServices)
                return LedgerItemContent(divisionCode: DivisionCode(at)!, stateCode: definition.initialState.code, values: values)
            }
        }

        // 涉企审批改革事项: 96 of 100 done.
        let reforms = try await fill("enterprise-approval-reform") { definition in
            (0..<Figures.reforms).map { i in
                LedgerItemContent(
                    divisionCode: demo.scope.root, stateCode: definition.initialState.code,
                    values: [
                        "name": .text("涉企经营许可事项\(i + 1)"), "way": .choice(LedgerSeeds.reformWays[i % LedgerSeeds.reformWays.count]),
                        "done": .bool(i < Figures.reformsDone),
                    ])
            }
        }

        return
            "已载入演示台账:驻村工作队员 \(members) 人,整顿村 \(weak) 个,排污口 \(outfalls) 个,巡回检查组 \(groups) 个,政务服务事项 \(services) 项,涉企审批改革事项 \(reforms) 项;打开 /ledgers 查看。"
    }
}
