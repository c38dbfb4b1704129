import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

/// The bundled 吕梁市 list: 1 city, 13 counties, 154 townships, on a fresh database and on
/// one from before the townships were shipped.
@Suite struct DivisionSeedTests {
    static func countByLevel(_ db: any Database) async throws -> [String: Int] {
        struct Row: Decodable { var level: String; var n: Int }
        let rows = try await db.sql.select().column("level").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(Division.schema).groupBy("level").all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.level, $0.n) })
    }

    static func systemCreates(_ db: any Database) async throws -> Int {
        try await db.sql.select().column("seq").from("audit_events").where("action", .equal, SQLBind("division.create"))
            .where("actor", .equal, SQLBind("system")).all().count
    }

    @Test func theBundledListIsTheBureaus2023Release() throws {
        let entries = try Division.seedEntries()
        #expect(entries.count == 168)
        let names = Dictionary(uniqueKeysWithValues: entries.map { ($0.code.rawValue, $0.name) })
        #expect(names["141100"] == "吕梁市")
        #expect(names["141124100"] == "临泉镇")
        #expect(names["141127101"] == "岚城镇")
        #expect(names["141122400"] == "夏家营生态工业园区")
        #expect(names["141102007"] == "西属巴街道")
        #expect(names["141182"] == "汾阳市")
        let perCounty = Dictionary(grouping: entries.filter { $0.code.level == .township }, by: { String($0.code.rawValue.prefix(6)) })
            .mapValues(\.count)
        #expect(perCounty["141124"] == 23 && perCounty["141102"] == 11 && perCounty["141128"] == 6)
    }

    @Test func aFreshDatabaseHoldsTheCityCountiesAndTownships() async throws {
        try await TestApp.with { t in
            #expect(try await Self.countByLevel(t.db) == ["city": 1, "county": 13, "township": 154])
            let baicheng = try #require(try await Division.find("141124101", on: t.db))
            #expect(baicheng.name == "白文镇" && baicheng.parentCode == "141124")
            #expect(try await Self.systemCreates(t.db) == 168)
            // Seeding again (every start does) adds nothing.
            #expect(try await Division.seed(on: t.db, actor: .system) == 0)
            #expect(try await Self.systemCreates(t.db) == 168)
        }
    }

    @Test func anOldDatabaseGainsTheTownshipsOnceOnUpgrade() async throws {
        await AppSlots.shared.acquire()
        let target = TestApp.makeTarget()
        do {
            // The database as the previous release left it: the city and 13 counties, one of
            // them renamed by an administrator.
            try await TestApp.run(target: target) { t in
                try await t.sql.delete(from: Division.schema).where("level", .equal, SQLBind("township")).run()
                try await t.sql.update(Division.schema).set("name", to: SQLBind("临县(改)")).where("code", .equal, SQLBind("141124")).run()
                #expect(try await Division.query(on: t.db).count() == 14)
            }
            try await TestApp.run(target: target) { t in
                #expect(try await Self.countByLevel(t.db) == ["city": 1, "county": 13, "township": 154])
                #expect(try await Division.find("141124", on: t.db)?.name == "临县(改)", "a stored name is never changed back")
                #expect(try await Division.find("141127101", on: t.db)?.parentCode == "141127")
                #expect(try await Self.systemCreates(t.db) == 322, "168 at first, 154 on upgrade")
                guard case .intact = try await AuditVerification.verify(on: t.db) else { Issue.record("chain broken"); return }
            }
            try await TestApp.run(target: target) { t in
                let count = try await Division.query(on: t.db).count()
                let creates = try await Self.systemCreates(t.db)
                #expect(count == 168)
                #expect(creates == 322, "nothing more on the next start")
            }
        } catch {
            Issue.record(error)
        }
        await TestApp.cleanUp(target)
        await AppSlots.shared.release()
    }
}
