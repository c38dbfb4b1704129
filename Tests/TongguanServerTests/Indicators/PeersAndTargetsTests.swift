import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct PeersAndTargetsTests {
    typealias B = IndicatorBodies
    static let fenwei = "%E6%B1%BE%E6%B8%AD%E5%B9%B3%E5%8E%9F"  // 汾渭平原
    static let shanxi = "%E5%B1%B1%E8%A5%BF%E7%9C%81"  // 山西省

    @Test func theSeededGroupsNameTheirPlanYear() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let res = try await t.request(.GET, "/api/v1/peer-groups", token: token)
            let items = try #require(try res.json()["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["label"] as? String } == ["山西省(2003年划定)11个城市", "汾渭平原(2018年划定)11个城市"])
            let fenwei = try #require(items.first { $0["name"] as? String == "汾渭平原" })
            let members = try #require(fenwei["members"] as? [[String: Any]])
            #expect(members.compactMap { $0["name"] as? String } == ["晋中", "运城", "临汾", "吕梁", "洛阳", "三门峡", "西安", "铜川", "宝鸡", "咸阳", "渭南"])
            // Seeding again at the next start adds nothing.
            try await PeerService.seed(t.db)
            #expect(try await PeerGroupRecord.query(on: t.db).count() == 2)
            let created = try await t.request(
                .POST, "/api/v1/peer-groups", token: token,
                json: ["name": "汾渭平原", "year": 2023, "members": [["name": "吕梁", "code": "141100"], ["name": "西安", "code": "610100"]]])
            #expect(created.status == .created, "\(created.body.string)")
            let duplicate = try await t.request(
                .POST, "/api/v1/peer-groups", token: token,
                json: ["name": "汾渭平原", "year": 2018, "members": [["name": "甲", "code": "1"], ["name": "甲", "code": "1"]]])
            #expect(Set(try duplicate.problemFields()) == ["members[1].name", "members[1].code"])
        }
    }

    @Test func rankingsUseTheDirectionShareTiedRanksAndAlwaysNameTheGroup() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try await t.createIndicator(
                B.manual("air.pm25", name: "PM2.5平均浓度", unit: "μg/m³", rollUp: "average", direction: "lower_is_better"), token: token)
            let period = "2021-01..2021-05"
            // 吕梁 is a division of the tree: its value is the indicator's own.
            #expect(try await t.putValue("air.pm25", period: period, value: 38, token: token).status == .ok)
            let others: [(String, Any)] = [
                ("140700", 52), ("140800", 61), ("141000", 58), ("410300", 55), ("411200", 49), ("610100", 49), ("610200", 44),
                ("610300", "45.5"), ("610400", 57),
            ]
            for (code, value) in others {
                let res = try await t.request(
                    .PUT, "/api/v1/indicators/air.pm25/peer-values", token: token,
                    json: ["member_code": code, "period": period, "value": value, "note": "演示数值"])
                #expect(res.status == .noContent, "\(code): \(res.body.string)")
            }
            let res = try await t.request(.GET, "/api/v1/indicators/air.pm25/ranking?group=\(Self.fenwei)&period=\(period)", token: token)
            #expect(res.status == .ok, "\(res.body.string)")
            let body = try res.json()
            #expect(body["group"] as? String == "汾渭平原" && body["year"] as? Int == 2018)
            #expect(body["label"] as? String == "汾渭平原(2018年划定)11个城市(其中10个有数据)")
            let rows = try #require(body["rows"] as? [[String: Any]])
            #expect(rows.first?["member"] as? String == "吕梁" && rows.first?["rank"] as? Int == 1 && rows.first?["value"] as? Int == 38)
            // 三门峡 and 西安 tie at 49: both 4th, the next is 6th.
            let ranks = Dictionary(uniqueKeysWithValues: rows.map { ($0["member"] as! String, $0["rank"] as? Int) })
            #expect(ranks["三门峡"] == 4 && ranks["西安"] == 4 && ranks["晋中"] == 6)
            #expect(rows.first { $0["member"] as? String == "宝鸡" }?["value"] as? String == "45.5")
            // 渭南 has no value: last, unranked.
            #expect(rows.last?["member"] as? String == "渭南" && rows.last?["rank"] is NSNull)
            // A county user cannot see the city's own value, so the city is not ranked for them.
            try await t.createUser("lin", role: .viewer, division: "141124")
            let lin = try await t.request(
                .GET, "/api/v1/indicators/air.pm25/ranking?group=\(Self.fenwei)&period=\(period)", token: try await t.token("lin"))
            let linRows = try #require(try lin.json()["rows"] as? [[String: Any]])
            #expect(linRows.first { $0["member"] as? String == "吕梁" }?["rank"] is NSNull)

            let unknown = try await t.request(.GET, "/api/v1/indicators/air.pm25/ranking?group=x&period=2021", token: token)
            #expect(try unknown.problemFields() == ["group"])
            let missing = try await t.request(.GET, "/api/v1/indicators/air.pm25/ranking", token: token)
            #expect(Set(try missing.problemFields()) == ["group", "period"])
            let tree = try await t.request(
                .PUT, "/api/v1/indicators/air.pm25/peer-values", token: token, json: ["member_code": "141100", "period": period, "value": 1])
            #expect(try tree.problemFields() == ["member_code"])
            let stranger = try await t.request(
                .PUT, "/api/v1/indicators/air.pm25/peer-values", token: token, json: ["member_code": "110000", "period": period, "value": 1])
            #expect(try stranger.problemFields() == ["member_code"])
        }
    }

    @Test func targetsAreJudgedByTheWrittenRule() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try await t.createIndicator(B.manual("health.primary_visit_rate", name: "基层就诊率", unit: "%", decimals: 1, rollUp: "last"), token: token)
            let created = try await t.request(
                .POST, "/api/v1/targets", token: token,
                json: [
                    "indicator": "health.primary_visit_rate", "division_code": "141100", "value": 65, "due": "2022-12-31",
                    "baseline_period": "2020", "baseline_value": 50, "note": "一体化改革目标",
                ])
            #expect(created.status == .created, "\(created.body.string)")
            let id = try #require(try created.json()["id"] as? String)
            // No value after the baseline yet: unknown, never guessed.
            var list = try await t.request(.GET, "/api/v1/targets?as_of=2021-07-01", token: token)
            var item = try #require((try list.json()["items"] as? [[String: Any]])?.first)
            #expect(item["status"] as? String == "unknown" && item["progress"] is NSNull)
            // 58 at the end of June: the straight line from 50 reaches 65 well before the due date.
            try await t.putValue("health.primary_visit_rate", period: "2021-H1", value: 58, token: token)
            list = try await t.request(.GET, "/api/v1/targets?as_of=2021-07-01", token: token)
            item = try #require((try list.json()["items"] as? [[String: Any]])?.first)
            #expect(item["status"] as? String == "on_track" && item["status_label"] as? String == "按期可达")
            #expect(item["progress"] as? String == "0.5333" && item["value"] as? Int == 65 && item["latest_value"] as? Int == 58)
            // Past the due date without reaching it: off track.
            list = try await t.request(.GET, "/api/v1/targets?as_of=2023-01-01&status=off_track", token: token)
            #expect((try list.json()["items"] as? [[String: Any]])?.count == 1)
            // A slower line: 51 after half a year projects to 54 by the due date, under 90 % of the way.
            try await t.putValue("health.primary_visit_rate", period: "2021-H1", value: 51, token: token)
            list = try await t.request(.GET, "/api/v1/targets?as_of=2021-07-01", token: token)
            item = try #require((try list.json()["items"] as? [[String: Any]])?.first)
            #expect(item["status"] as? String == "off_track")
            try await t.putValue("health.primary_visit_rate", period: "2021-H2", value: "65.0", token: token)
            list = try await t.request(.GET, "/api/v1/targets?as_of=2022-01-05&status=achieved", token: token)
            #expect((try list.json()["items"] as? [[String: Any]])?.count == 1)

            // Changes need the ETag; the same indicator, division and due date only once.
            let etag = try #require(created.headers.first(name: .eTag))
            let patched = try await t.request(.PATCH, "/api/v1/targets/\(id)", token: token, json: ["value": "66.5"], headers: ["If-Match": etag])
            #expect(patched.status == .ok)
            #expect(try patched.json()["value"] as? String == "66.5")
            let twice = try await t.request(
                .POST, "/api/v1/targets", token: token,
                json: ["indicator": "health.primary_visit_rate", "division_code": "141100", "value": 70, "due": "2022-12-31"])
            #expect(try twice.problemFields() == ["due"])
            let bad = try await t.request(
                .POST, "/api/v1/targets", token: token,
                json: ["indicator": "no.such", "division_code": "141199", "value": "x", "due": "2022-02-30", "baseline_period": "2020"])
            #expect(Set(try bad.problemFields()) == ["indicator", "division_code", "value", "due", "baseline_value"])
            // A county sees its own targets only; another county's division is not found.
            try await t.createUser("lin", role: .viewer, division: "141124")
            let lin = try await t.token("lin")
            let theirs = try await t.request(.GET, "/api/v1/targets", token: lin)
            #expect((try theirs.json()["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await t.request(.GET, "/api/v1/targets?division=141100", token: lin).status == .notFound)
            #expect(try await t.request(.DELETE, "/api/v1/targets/\(id)", token: token).status == .noContent)
        }
    }
}
