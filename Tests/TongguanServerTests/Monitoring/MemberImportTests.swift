import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct MemberImportTests {
    typealias F = RegistryFixture
    typealias R = MemberRows

    func codes(_ t: TestApp, token: String, _ query: String = "") async throws -> [String] {
        let res = try await t.request(.GET, "/api/v1/households?per=200&\(query)", token: token)
        return (try res.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["household_code"] as? String }
    }

    @Test func newHouseholdsGetCodesKnownOnesUpdateInPlaceAndReimportChangesNothing() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            // A closed household already used sequence 1 of the first village; one household exists.
            let closed = try await F.household(t, token: token, headID: F.id(1))
            let closedCode = closed["household_code"] as! String
            let closedHead = (closed["members"] as! [[String: Any]])[0]["id"] as! String
            _ = try await t.request(.POST, "/api/v1/members/\(closedHead)/leave", token: token, json: ["reason": "death", "date": "2024-01-01"])
            _ = try await t.request(
                .POST, "/api/v1/households/\(closedCode)/close", token: token, json: ["reason": "all_deceased", "date": "2024-01-02"])
            let known = try await F.household(t, token: token, village: F.linVillage2, headID: F.id(2), headName: "老户主")
            let knownCode = known["household_code"] as! String

            var (rows, _) = R.households(2, size: 3)
            rows += [
                R.row("老户主", F.id(2), village: F.linVillage2, phone: "0358-1234567"),
                R.row("新成员", F.id(3), head: F.id(2), village: F.linVillage2, relation: "子女", school: "义务教育"),
            ]
            let file = R.csv(rows)
            let first = try await t.importMembers(file, token: token)
            #expect(first.status == .ok, "\(first.text)")
            let report = try first.json()
            #expect(report["households_created"] as? Int == 2 && report["households_updated"] as? Int == 1)
            #expect(report["members_created"] as? Int == 7 && report["members_updated"] as? Int == 0 && report["rows"] as? Int == 8)
            let inFirst = try await codes(t, token: token, "division=\(F.linVillage)&status=active")
            #expect(inFirst.map { HouseholdCode($0)!.sequence }.sorted() == [2, 3])
            let updated = try await t.request(.GET, "/api/v1/households/\(knownCode)", token: token).json()
            #expect(updated["phone"] as? String == "0358-1234567" && updated["member_count"] as? Int == 2)

            // The same file again changes nothing.
            let again = try await t.importMembers(file, token: token)
            #expect(try again.json()["households_unchanged"] as? Int == 3, "\(again.text)")
            #expect(try again.json()["households_created"] as? Int == 0 && again.json()["members_updated"] as? Int == 0)
            #expect(try await codes(t, token: token).count == 4)
            // An edited file updates in place.
            rows[1][5] = "无"
            let edited = try await t.importMembers(R.csv(rows), token: token)
            #expect(try edited.json()["households_updated"] as? Int == 1 && edited.json()["members_updated"] as? Int == 1, "\(edited.text)")
            let household = try await t.request(.GET, "/api/v1/households/\(inFirst.sorted()[0])", token: token).json()
            let spouse = (household["members"] as! [[String: Any]]).first { $0["relation"] as? String == "spouse" }
            #expect(spouse?["labour_capacity"] as? String == "none")
            let audit = try await t.request(.GET, "/api/v1/audit?entity_type=household&entity_id=\(inFirst.sorted()[0])", token: token)
            let actions = (try audit.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.sorted() == ["household.create", "member.update"])
        }
    }

    @Test func manyWriteBatchesKeepEveryRowAndAnIntactAuditChain() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            _ = try await t.adminToken()
            // Write batches of 7 members: the 40 households go through the pipeline in 18 batches,
            // each written while the next is built, with the audit events recorded meanwhile.
            let (rows, ids) = R.households(40, size: 3, start: 3000)
            var options = MemberImport.Options()
            options.batchSize = 7
            let before = try await t.db.sql.select().column("*").from("audit_events").orderBy("seq").all(decoding: AuditEventRow.self)
            let report = try await MemberImport.run(
                .data(R.csv(rows)), options: options, scope: DivisionScope(DivisionCode("141100")!), ring: try t.app.dataKeys,
                actor: AuditActor(name: "cli:test", requestID: "cli-batches", clientAddress: "local"), on: t.db)
            #expect(report.applied && report.householdsCreated == 40 && report.membersCreated == 120, "\(report.text)")
            #expect(try await Member.query(on: t.db).count() == 120)
            let households = try await Household.query(on: t.db).all()
            #expect(households.count == 40 && Set(households.map(\.code)).count == 40)
            for household in households {
                #expect(try await Member.query(on: t.db).filter(\.$householdID == household.id!).count() == 3)
            }
            let ring = try t.app.dataKeys
            for id in ids.prefix(12) {
                let holder = try await RegistryFinder.presentHolder(of: try ResidentIdentity(validating: id), ring: ring, on: t.db)
                #expect(holder != nil)
            }
            let events = try await t.db.sql.select().column("*").from("audit_events").orderBy("seq").all(decoding: AuditEventRow.self)
            #expect(
                events.filter { $0.requestID == "cli-batches" }.map(\.action).sorted() == Array(repeating: "household.create", count: 40) + [
                    "members.import"
                ])
            #expect(events.count == before.count + 41)
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: events.count))
        }
    }

    @Test func everyBadRowIsReportedAndNothingIsWritten() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let elsewhere = try await F.household(t, token: admin, headID: F.id(1))
            let elsewhereCode = elsewhere["household_code"] as! String
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let token = try await t.token("lin.op")
            let badChecksum = String(F.id(20).dropLast()) + (F.id(20).hasSuffix("1") ? "2" : "1")
            let badDate = F.residentID("141124", "19900230", 1)
            let rows = [
                R.row("甲", F.id(10)),  // 2: fine, head
                R.row("乙", F.id(1), head: F.id(10), relation: "配偶"),  // 3: present elsewhere
                R.row("丙", F.id(11), head: F.id(10), relation: "子女"),  // 4: twice in the file
                R.row("丁", F.id(11), head: F.id(10), relation: "子女"),  // 5
                R.row("戊", F.id(12), head: F.id(13), relation: "子女"),  // 6: no head row
                R.row("己", F.id(14), village: "141124100299"),  // 7: unknown village
                R.row("庚", F.id(15), village: F.xingVillage),  // 8: out of scope
                R.row("辛", badChecksum),  // 9
                R.row("壬", badDate),  // 10
                R.row("癸", F.id(16), labour: "强"),  // 11
            ]
            let before = try await codes(t, token: admin)
            let res = try await t.importMembers(R.csv(rows), token: token)
            #expect(res.status == .unprocessableEntity)
            let problems = try #require(try res.json()["rows"] as? [[String: Any]] ?? res.json()["problems"] as? [[String: Any]], "\(res.text)")
            func at(_ row: Int) -> [String] {
                problems.filter { $0["row"] as? Int == row }.map { "\($0["column"] as? String ?? ""):\($0["message"] as? String ?? "")" }
            }
            #expect(at(4).contains { $0.contains("第5行重复") } && at(5).contains { $0.contains("第4行重复") })
            #expect(at(6).contains { $0.hasPrefix("户主身份证号:") })
            #expect(at(7) == ["村区划代码:村区划代码不存在,请核对"])
            #expect(at(8) == ["村区划代码:该村不在您的管辖范围内"])
            #expect(at(9).contains { $0.hasPrefix("身份证号:") && $0.contains("校验码") })
            #expect(at(10).contains { $0.hasPrefix("身份证号:") && $0.contains("出生日期") })
            #expect(at(11).contains { $0.hasPrefix("劳动能力:") })
            #expect(at(2).isEmpty && at(3).isEmpty)  // found against the registry only once the file is clean
            for id in [F.id(10), F.id(1), F.id(11), badChecksum, badDate] { #expect(!res.text.contains(id)) }
            #expect(try await codes(t, token: admin) == before)
            // Fixed, the file meets the registry: the person present elsewhere is named by code.
            let fixed = [R.row("甲", F.id(10)), R.row("乙", F.id(1), head: F.id(10), relation: "配偶")]
            let second = try await t.importMembers(R.csv(fixed), token: token)
            #expect(second.status == .unprocessableEntity)
            #expect(second.text.contains(elsewhereCode) && second.text.contains("成员转移") && !second.text.contains(F.id(1)), "\(second.text)")
            #expect(try await codes(t, token: admin) == before)
        }
    }

    @Test func aDryRunWritesNothingAndAHugeBadFileStaysSmall() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let (rows, _) = R.households(3)
            let dry = try await t.importMembers(R.csv(rows, notice: true), token: token, dryRun: true)
            #expect(dry.status == .ok)
            let dryReport = try dry.json()
            #expect(dryReport["households_created"] as? Int == 3 && dryReport["applied"] as? Bool == false)
            #expect(try await codes(t, token: token).isEmpty)
            let bad = (0..<3000).map { R.row("某", F.id(5000 + $0), labour: "强", school: "博士") }
            let res = try await t.importMembers(R.csv(bad), token: token)
            #expect(res.status == .unprocessableEntity)
            #expect(try res.json()["row_count"] as? Int == 6000)
            #expect((try res.json()["rows"] as? [Any])?.count == RowProblemTally.reportLimit)
            let summary = try #require(try res.json()["row_summary"] as? [[String: Any]])
            #expect(summary.contains { $0["column"] as? String == "劳动能力" && $0["count"] as? Int == 3000 })
        }
    }

    @Test func aFileIsReadInPiecesExactlyAsWhole() throws {
        // Quoted commas, quotes and line breaks, CRLF and LF, GB18030: cut at every piece size.
        var text = "\u{FEFF}姓名,备注\r\n"
        var rng = Seeded(42)
        let pieces = ["a", "逗号,在内", "引号\"\"在内", "换行\n在内", "回车\r\n换行", "", "'=1+1", "欧阳娜娜"]
        for i in 0..<60 {
            let cells = (0..<3).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }
            text += cells.map { $0.contains(",") || $0.contains("\"") || $0.contains("\n") ? "\"\($0)\"" : $0 }.joined(separator: ",")
            text += i % 2 == 0 ? "\r\n" : "\n"
        }
        for encoding in [CSVEncoding.utf8, .gb18030] {
            let data = encoding == .utf8 ? Data(text.utf8) : TextEncoding.encodeGB18030(String(text.dropFirst()))!
            let whole = try SheetFile.read(data)
            let path = NSTemporaryDirectory() + "stream-\(UUID().uuidString).csv"
            #expect(FileManager.default.createFile(atPath: path, contents: data))
            defer { try? FileManager.default.removeItem(atPath: path) }
            for size in [1, 2, 3, 7, 64, 1 << 20] {
                var rows: [SheetRow] = []
                let handle = try #require(FileHandle(forReadingAtPath: path))
                try SheetStream.readCSV(handle, limits: SheetLimits(), pieceSize: size) {
                    rows.append($0); return true
                }
                try handle.close()
                #expect(rows == whole, "piece size \(size), \(encoding)")
            }
        }
    }

    @Test func exportMasksByDefaultAndWithIDsReimportsElsewhere() async throws {
        let (rows, ids) = MemberRows.households(4)
        var exported: [[String]] = []
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            #expect(try await t.importMembers(R.csv(rows), token: token).status == .ok)
            let download = try await t.request(.GET, "/api/v1/households/export?division=141124", token: token)
            #expect(download.status == .ok)
            let text = download.text
            #expect(text.contains(MemberSheet.noticeMark) && text.contains(PersonalData.residentID.mask(ids[0])))
            for id in ids { #expect(!text.contains(id)) }
            try await MemberExport.rows(.init(withIDs: true), scope: DivisionScope(DivisionCode("141100")!), ring: try t.app.registryKeys, on: t.db) {
                exported += $0
            }
        }
        #expect(exported.count == ids.count + 2 && exported[0] == [MemberSheet.personalDataNotice(withIDs: true)])
        // The file with IDs, imported into another database, gives the same households and members.
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let data = try SheetFile.write(exported, format: .xlsx)
            let res = try await t.importMembers(data, token: token)
            #expect(res.status == .ok, "\(res.text)")
            let report = try res.json()
            #expect(report["households_created"] as? Int == 4 && report["members_created"] as? Int == ids.count)
            var again: [[String]] = []
            try await MemberExport.rows(.init(withIDs: true), scope: DivisionScope(DivisionCode("141100")!), ring: try t.app.registryKeys, on: t.db) {
                again += $0
            }
            #expect(again == exported)
        }
    }
}
