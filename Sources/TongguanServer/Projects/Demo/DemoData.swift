import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The demo dataset behind `tongguan serve --demo`: projects across the 13 counties in
/// several rounds, built so that the summary query reproduces the article's figures —
/// round 2021-07-16: 42 signed / 183.61亿元, 34 started / 79.54亿元, 18 producing / 14.97亿元;
/// January–May 2021: 49 signed / 241亿元, 41 started / 106亿元, 33 producing with an expected
/// annual output of 218亿元. Deterministic: the same data every time. It is loaded as a
/// generated sheet through the import, so it is validated like anyone's data.
enum DemoData {
    /// Loads the demo into an empty database through the same paths people use: its rounds
    /// through `RoundService`, its projects as a generated sheet through the import, so they
    /// are checked like any file. One write: all of it or nothing.
    static func load(on db: any Database) async throws -> Int {
        let projects = try await Project.query(on: db).count()
        let rounds = try await Round.query(on: db).count()
        guard projects == 0, rounds == 0 else {
            throw DemoRefused(message: "数据库中已有\(projects)个项目、\(rounds)个活动批次:演示数据只能载入空数据库,未做任何修改")
        }
        var plan = Planner()
        let data = plan.build()
        return try await write(rounds: data.rounds, sheet: sheet(data.projects), on: db)
    }

    /// Creates the rounds and imports the sheet in one write; a problem anywhere undoes all.
    static func write(rounds: [RoundPlan], sheet: [SheetRow], on db: any Database) async throws -> Int {
        let actor = AuditActor(name: "demo", requestID: "demo", clientAddress: "local")
        let city = DivisionScope(DivisionCode("141100")!)
        return try await db.audited(by: actor) { tx, audit in
            for r in rounds {
                let fields = RoundService.Fields(name: r.name, date: r.date, venue: .some(r.venue), division: city.root)
                _ = try await RoundService.create(fields, scope: city, tx: tx, audit: audit)
            }
            let report = try await ProjectImport.run(rows: sheet, options: .init(), scope: city, tx: tx, audit: audit)
            // The demo is checked like any sheet; a rule it breaks is a bug in the generator.
            guard report.applied else { throw DemoRefused(message: "演示数据未通过导入检查:" + report.text) }
            return report.created
        }
    }

    /// The demo's projects as the sheet the export writes and people fill in.
    static func sheet(_ projects: [ProjectPlan]) -> [SheetRow] {
        var rows = [ProjectSheet.Column.allCases.map(\.rawValue)]
        for p in projects {
            rows.append(
                ProjectSheet.exportRow(
                    name: p.name, investor: p.investor, creditCode: p.creditCode, division: p.division, zone: p.zone,
                    industry: p.industry, totalInvestmentFen: p.totalFen, expectedOutputFen: p.outputFen, milestones: p.milestones,
                    contact: p.contact, phone: p.phone, notes: ""))
        }
        return rows.enumerated().map { SheetRow(line: $0.offset + 1, cells: $0.element.map(SheetCell.text)) }
    }

    struct RoundPlan { var name: String; var date: CivilDate; var venue: String }

    struct ProjectPlan {
        var name: String
        var investor: String
        var creditCode: String
        var division: String
        var zone: String
        var industry: String
        var totalFen: Int64
        var outputFen: Int64
        var milestones: [Stage: (date: CivilDate, round: String?)]
        var contact: String
        var phone: String
    }

    /// A small deterministic generator (an LCG): the demo must not change between runs.
    struct Planner {
        var state: UInt64 = 20210716

        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }

        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

        mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

        static let rounds = [
            RoundPlan(name: "2020年第四次", date: CivilDate(year: 2020, month: 11, day: 18)!, venue: "吕梁经济技术开发区"),
            RoundPlan(name: "2021年第一次", date: CivilDate(year: 2021, month: 3, day: 19)!, venue: "孝义经济开发区"),
            RoundPlan(name: "2021年第二次", date: CivilDate(year: 2021, month: 5, day: 20)!, venue: "交城经济开发区"),
            RoundPlan(name: "2021年第三次", date: CivilDate(year: 2021, month: 7, day: 16)!, venue: "吕梁市开发区"),
            RoundPlan(name: "2021年第四次", date: CivilDate(year: 2021, month: 10, day: 15)!, venue: "汾阳杏花村经济技术开发区"),
        ]

        static let counties = [
            "141102", "141121", "141122", "141123", "141124", "141125", "141126", "141127",
            "141128", "141129", "141130", "141181", "141182",
        ]
        static let zones = [
            "吕梁经济技术开发区", "孝义经济开发区", "交城经济开发区", "汾阳杏花村经济技术开发区",
            "文水经济开发区", "兴县经济技术开发区", "柳林经济技术开发区", "中阳经济开发区",
        ]
        static let products: [String: [String]] = [
            "铝镁新材料": ["铝合金轮毂", "高精度铝板带", "镁合金压铸件", "再生铝"],
            "大数据": ["数据中心", "算力中心", "工业互联网平台"],
            "文化旅游": ["红色文旅小镇", "黄河民俗园", "乡村旅游综合体"],
            "白酒": ["清香型白酒酿造", "白酒储酒罐群", "酒糟综合利用"],
            "节能环保": ["固废综合利用", "余热发电", "污水处理"],
            "新能源": ["光伏电站", "风电场", "氢能综合利用", "储能电站"],
            "煤化工": ["焦炉煤气制甲醇", "煤焦油深加工", "针状焦"],
            "现代农业": ["肉牛养殖", "食用菌种植", "红枣深加工", "杂粮加工"],
            "其他": ["物流园", "建材"],
        ]
        static let surnames = Array("王李张刘陈杨赵黄周吴郭高马梁宋")
        static let givenNames = ["建国", "海军", "丽娟", "志强", "晓燕", "文斌", "春梅", "永红", "国华", "玉兰", "卫东", "秀英"]
        static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

        mutating func creditCode(division: String) -> String {
            let body = "91" + division + String((0..<9).map { _ in Self.alphabet[int(0...30)] })
            let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
            let sum = zip(body, weights).reduce(0) { $0 + Self.alphabet.firstIndex(of: $1.0)! * $1.1 }
            return body + String(Self.alphabet[(31 - sum % 31) % 31])
        }

        /// `count` amounts in whole 万元 that add up to exactly `totalWan` 万元.
        mutating func split(totalWan: Int64, count: Int) -> [Int64] {
            let weights = (0..<count).map { _ in Int64(int(20...100)) }
            let sum = weights.reduce(0, +)
            var parts = weights.map { totalWan * $0 / sum }
            parts[parts.indices.max { parts[$0] < parts[$1] }!] += totalWan - parts.reduce(0, +)
            return parts
        }

        var serial = 0

        mutating func project(
            industry: String? = nil, totalWan: Int64, outputWan: Int64? = nil,
            milestones: [Stage: (CivilDate, String?)]
        ) -> ProjectPlan {
            serial += 1
            let county = Self.counties[serial % Self.counties.count]
            let industry = industry ?? pick(Array(Self.products.keys).sorted())
            let product = pick(Self.products[industry]!)
            let name = "年产\(int(1...50) * 2)万\(industry == "大数据" ? "机架" : "吨")\(product)项目(\(serial)期)"
            let investor =
                "山西\(pick(["吕", "汾", "晋", "黄河", "离", "孝"]))\(pick(["兴", "源", "泰", "丰", "盛", "达"]))\(pick(["实业", "科技", "能源", "新材料", "农业"]))有限公司"
            return ProjectPlan(
                name: name, investor: investor, creditCode: creditCode(division: county), division: county,
                zone: pick(Self.zones), industry: industry, totalFen: totalWan * Fen.perWan,
                outputFen: (outputWan ?? totalWan * Int64(int(8...20)) / 10) * Fen.perWan,
                milestones: milestones.mapValues { (date: $0.0, round: $0.1) },
                contact: String(pick(Self.surnames)) + pick(Self.givenNames),
                phone: "139" + String(format: "%08d", int(0...99_999_999)))
        }

        mutating func build() -> (rounds: [RoundPlan], projects: [ProjectPlan]) {
            let r = Self.rounds
            func day(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }
            var projects: [ProjectPlan] = []

            // Signed in January–May 2021 (rounds 1 and 2): 49 projects, 241亿元.
            // 34 of them start at the July round with 79.54亿元; the other 15 hold 161.46亿元.
            let startJuly = split(totalWan: 795_400, count: 34)
            let notYet = split(totalWan: 1_614_600, count: 15)
            for (i, wan) in (startJuly + notYet).enumerated() {
                let signedRound = i % 2 == 0 ? r[1] : r[2]
                var m: [Stage: (CivilDate, String?)] = [.signed: (signedRound.date, signedRound.name)]
                if i < 34 { m[.started] = (r[3].date, r[3].name) }
                projects.append(project(totalWan: wan, milestones: m))
            }

            // Started in January–May 2021: 41 projects, 106亿元, signed at the 2020 round.
            // 18 of them go into production at the July round with 14.97亿元.
            let produceJuly = split(totalWan: 149_700, count: 18)
            let stillBuilding = split(totalWan: 910_300, count: 23)
            for (i, wan) in (produceJuly + stillBuilding).enumerated() {
                let startedRound = i % 2 == 0 ? r[1] : r[2]
                var m: [Stage: (CivilDate, String?)] = [.signed: (r[0].date, r[0].name), .started: (startedRound.date, startedRound.name)]
                if i < 18 { m[.producing] = (r[3].date, r[3].name) }
                projects.append(project(totalWan: wan, milestones: m))
            }

            // In production January–May 2021: 33 projects expected to turn out 218亿元 a year.
            let outputs = split(totalWan: 2_180_000, count: 33)
            for (i, output) in outputs.enumerated() {
                let producedRound = i % 2 == 0 ? r[1] : r[2]
                projects.append(
                    project(
                        totalWan: output / Int64(int(2...4)), outputWan: output,
                        milestones: [
                            .signed: (day(2019, 9, 1 + i % 28), nil), .started: (day(2020, 4, 1 + i % 28), nil),
                            .producing: (producedRound.date, producedRound.name),
                        ]))
            }

            // Signed at the July round: 42 projects, 183.61亿元; a third start in October.
            for (i, wan) in split(totalWan: 1_836_100, count: 42).enumerated() {
                var m: [Stage: (CivilDate, String?)] = [.signed: (r[3].date, r[3].name)]
                if i % 3 == 0 { m[.started] = (r[4].date, r[4].name) }
                projects.append(project(totalWan: wan, milestones: m))
            }

            // Signed at the October round.
            for wan in split(totalWan: 1_260_000, count: 20) {
                projects.append(project(totalWan: wan, milestones: [.signed: (r[4].date, r[4].name)]))
            }
            return (r, projects)
        }
    }
}
