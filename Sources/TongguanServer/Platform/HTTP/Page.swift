import TongguanDomain
import Vapor

/// Every list of every module answers in Vapor's paging shape.
struct Page<Item: Content>: Content {
    var items: [Item]
    var metadata: Metadata

    struct Metadata: Content {
        var page: Int
        var per: Int
        var total: Int
    }
}

/// `page` and `per` from the query, checked: a bad value is a 422, never a crash or a
/// full-table answer.
struct PageRequest: Sendable {
    var page: Int
    var per: Int
    var offset: Int { (page - 1) * per }

    static let maxPer = 200

    init(page: Int = 1, per: Int = 50) {
        self.page = page
        self.per = per
    }

    init(from request: Request, defaultPer: Int = 50) throws {
        var problems = ProblemList()
        // Empty means "not given", as for every optional parameter.
        let given = { (key: String) in request.query[String.self, at: key].flatMap { $0.isEmpty ? nil : $0 } }
        let page = given("page").map { Int($0) } ?? 1
        let per = given("per").map { Int($0) } ?? defaultPer
        if page == nil || !(1...1_000_000).contains(page!) { problems.add("page", "页码应为1到1000000之间的整数") }
        if per == nil || !(1...Self.maxPer).contains(per!) { problems.add("per", "每页条数应为1到\(Self.maxPer)之间的整数") }
        try problems.throwIfAny()
        self.page = page!
        self.per = per!
    }
}
