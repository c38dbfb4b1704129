import Vapor

struct CaseStatsRowDTO: Content {
    var group: String
    var label: String
    var received: Int
    var closed: Int
    var resolved: Int
    var answered: Int
    var onTime: Int
    var overdueOpen: Int
    var satisfied: Int
    var followUps: Int
    var batches: Int

    init(_ r: CaseStats.Row) {
        group = r.group; label = r.label; received = r.received; closed = r.closed; resolved = r.resolved; answered = r.answered
        onTime = r.onTime; overdueOpen = r.overdueOpen; satisfied = r.satisfied; followUps = r.followUps; batches = r.batches
    }

    static let schema = JSONSchema.object(
        [
            ("group", .string(description: "分组值:来源、区划代码、类别、承办单位编号、月份(YYYY-MM)或 all")), ("label", .string(description: "分组的中文名")),
            ("received", .integer(description: "登记件数")), ("closed", .integer(description: "办结件数")),
            ("resolved", .integer(description: "化解件数(不同于办结)")),
            ("answered", .integer(description: "已答复件数(按期答复率的分母)")), ("on_time", .integer(description: "按期答复件数")),
            ("overdue_open", .integer(description: "逾期未办件数")), ("satisfied", .integer(description: "满意和基本满意件数")),
            ("follow_ups", .integer(description: "已回访件数")),
            ("batches", .integer(description: "联络站接待批次数")),
        ],
        required: ["group", "label", "received", "closed", "resolved", "answered", "on_time", "overdue_open", "satisfied", "follow_ups", "batches"])
}

struct CaseStatsDTO: Content {
    var rows: [CaseStatsRowDTO]
}
