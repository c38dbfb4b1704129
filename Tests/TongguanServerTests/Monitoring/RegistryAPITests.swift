import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct RegistryAPITests {
    typealias F = RegistryFixture

    @Test func householdsGetCodesAndMaskedMembers() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let headID = F.id(1)
            let first = try await F.household(
                t, token: token, headID: headID, members: [F.member(F.id(2), name: "王小明", relation: "child", school: "compulsory")])
            let code = try #require(first["household_code"] as? String)
            let parsed = try #require(HouseholdCode(code))
            #expect(parsed.village.rawValue == F.linVillage && parsed.sequence == 1)
            let second = try await F.household(t, token: token, headID: F.id(3), headName: "李四")
            #expect(HouseholdCode(second["household_code"] as? String ?? "")?.sequence == 2)
            let other = try await F.household(t, token: token, village: F.linVillage2, headID: F.id(4), headName: "赵五")
            #expect(HouseholdCode(other["household_code"] as? String ?? "")?.sequence == 1)

            let show = try await t.request(.GET, "/api/v1/households/\(code)", token: token)
            #expect(show.status == .ok && show.headers.first(name: .eTag) != nil)
            #expect(!show.text.contains(headID) && !show.text.contains(F.id(2)))
            let members = try #require(try show.json()["members"] as? [[String: Any]])
            #expect(members.count == 2)
            #expect(members[0]["relation"] as? String == "head" && members[0]["name"] as? String == "王建国")
            #expect(members[0]["resident_id"] as? String == PersonalData.residentID.mask(headID))
            #expect(members[0]["birth_date"] as? String == ResidentIdentity(headID).map { $0.birthDate.description })
            #expect(members[1]["school_stage"] as? String == "compulsory")
            #expect(try show.json()["member_count"] as? Int == 2 && (try show.json()["head_name"] as? String) == "王建国")

            func codes(_ query: String) async throws -> [String] {
                let res = try await t.request(.GET, "/api/v1/households?\(query)", token: token)
                #expect(res.status == .ok, "\(query): \(res.text)")
                return (try res.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["household_code"] as? String }
            }
            #expect(try await codes("q=李四") == [second["household_code"] as! String])
            #expect(try await codes("q=\(code.suffix(6))") == [code])
            // 12 digits or more: a code prefix (from the index); the full code; head names only.
            #expect(Set(try await codes("q=\(F.linVillage)")) == [code, second["household_code"] as! String])
            #expect(try await codes("q=\(code)") == [code])
            #expect(try await codes("q=\(code.prefix(16))\(code.hasSuffix("9") ? "8" : "9")").isEmpty)
            #expect(try await codes("q=王小明").isEmpty)
            #expect(try await codes("division=\(F.linVillage2)") == [other["household_code"] as! String])
            #expect(try await codes("division=141124").count == 3)
            #expect(try await codes("status=closed").isEmpty)
            let list = try await t.request(.GET, "/api/v1/households?division=141124", token: token)
            let item = try #require((try list.json()["items"] as? [[String: Any]])?.first { $0["household_code"] as? String == code })
            #expect(item["member_count"] as? Int == 2 && item["head_name"] as? String == "王建国")
            let bad = try await t.request(.GET, "/api/v1/households?status=gone&division=1&per=0", token: token)
            #expect(Set(try bad.problemFields()) == ["status", "division", "per"])

            // A mistyped code is caught by its check character, before any look-up.
            var typo = Array(code)
            typo[14] = typo[14] == "1" ? "2" : "1"
            let wrong = try await t.request(.GET, "/api/v1/households/\(String(typo))", token: token)
            #expect(wrong.status == .notFound && wrong.text.contains("校验码"))
        }
    }

    @Test func everyFieldProblemAtOnceAndNoIDInErrors() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            var head = F.head("11010519491231002Y", name: "")
            head["labour_capacity"] = "strong"
            head["school_stage"] = "phd"
            head["extra"] = 1
            let res = try await t.request(
                .POST, "/api/v1/households", token: token, json: ["division_code": "141124100", "phone": "12345", "head": head])
            #expect(res.status == .unprocessableEntity)
            let fields = Set(try res.problemFields())
            #expect(
                fields == ["division_code", "phone", "head.name", "head.resident_id", "head.labour_capacity", "head.school_stage", "head.extra"],
                "\(fields)")
            #expect(!res.text.contains("11010519491231002"))
            let future = F.residentID("141124", "20990101", 1)
            let later = try await t.request(
                .POST, "/api/v1/households", token: token, json: ["division_code": F.linVillage, "head": F.head(future)])
            #expect(later.status == .unprocessableEntity && later.text.contains("晚于今天") && !later.text.contains(future))
        }
    }

    @Test func aResidentIDIsPresentOnceAnywhere() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let shared = F.id(10)
            let first = try await F.household(t, token: token, headID: shared)
            let code = first["household_code"] as! String
            let again = try await t.request(
                .POST, "/api/v1/households", token: token, json: ["division_code": F.linVillage2, "head": F.head(shared)])
            #expect(again.status == .conflict && again.text.contains(code) && !again.text.contains(shared), "\(again.text)")
            let second = try await F.household(t, token: token, headID: F.id(11))
            let secondCode = second["household_code"] as! String
            let asMember = try await t.request(
                .POST, "/api/v1/households/\(secondCode)/members", token: token, json: F.member(shared.lowercased(), name: "重复"))
            #expect(asMember.status == .conflict && asMember.text.contains(code))
            // The database refuses a second present row even if a writer skipped the check.
            let sql = t.sql
            struct Row: Decodable { var resident_id_index: String }
            let row = try #require(try await sql.select().column("resident_id_index").from("members").limit(1).first(decoding: Row.self))
            await #expect(throws: (any Error).self) {
                try await sql.raw(
                    """
                    INSERT INTO members (id, household_id, name, resident_id_sealed, resident_id_index, birth_date, sex, relation,
                    labour_capacity, disability, chronic_illness, school_stage, work_status, basic_medical_insurance, status, version)
                    SELECT \(bind: UUID()), household_id, 'x', resident_id_sealed, resident_id_index, birth_date, sex, 'other', labour_capacity,
                    disability, chronic_illness, school_stage, work_status, basic_medical_insurance, 'present', 1 FROM members
                    WHERE resident_id_index = \(bind: row.resident_id_index)
                    """
                ).run()
            }
        }
    }

    @Test func memberChangesFollowTheHouseholdRules() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let household = try await F.household(
                t, token: token, headID: F.id(20),
                members: [F.member(F.id(21), name: "张丽", relation: "spouse"), F.member(F.id(22), name: "王小", relation: "child")])
            let code = household["household_code"] as! String
            let members = household["members"] as! [[String: Any]]
            let headID = members[0]["id"] as! String
            let spouseID = members.first { $0["relation"] as? String == "spouse" }!["id"] as! String
            let childID = members.first { $0["relation"] as? String == "child" }!["id"] as! String

            // PATCH needs the member's current ETag.
            let read = try await t.request(.GET, "/api/v1/members/\(childID)", token: token)
            let etag = try #require(read.headers.first(name: .eTag))
            #expect(
                try await t.request(.PATCH, "/api/v1/members/\(childID)", token: token, json: ["school_stage": "high_school"]).status
                    == .preconditionRequired)
            let patched = try await t.request(
                .PATCH, "/api/v1/members/\(childID)", token: token, json: ["school_stage": "high_school", "disability": true],
                headers: ["If-Match": etag])
            #expect(try patched.status == .ok && (try patched.json()["school_stage"] as? String) == "high_school", "\(patched.text)")
            let stale = try await t.request(
                .PATCH, "/api/v1/members/\(childID)", token: token, json: ["disability": false], headers: ["If-Match": etag])
            #expect(stale.status == .preconditionFailed)
            // A head stays head until another is named.
            let headETag = try #require(try await t.request(.GET, "/api/v1/members/\(headID)", token: token).headers.first(name: .eTag))
            let demote = try await t.request(
                .PATCH, "/api/v1/members/\(headID)", token: token, json: ["relation": "other"], headers: ["If-Match": headETag])
            #expect(demote.status == .conflict && demote.text.contains("head_relation_change"))
            // The head leaves: a new head must be named.
            let bare = try await t.request(.POST, "/api/v1/members/\(headID)/leave", token: token, json: ["reason": "death", "date": "2024-03-01"])
            #expect(bare.status == .conflict && bare.text.contains("new_head_required"))
            let left = try await t.request(
                .POST, "/api/v1/members/\(headID)/leave", token: token, json: ["reason": "death", "date": "2024-03-01", "new_head_id": spouseID])
            #expect(left.status == .ok, "\(left.text)")
            let after = try #require(try left.json()["members"] as? [[String: Any]])
            #expect(after.first { $0["id"] as? String == spouseID }?["relation"] as? String == "head")
            #expect(after.first { $0["id"] as? String == headID }?["status"] as? String == "left")
            #expect(try left.json()["member_count"] as? Int == 2)
            // The child moves to a new household of its own... as its head.
            let target = try await F.household(t, token: token, headID: F.id(23), headName: "刘一")
            let targetCode = target["household_code"] as! String
            let badTarget = try await t.request(
                .POST, "/api/v1/members/\(childID)/transfer", token: token, json: ["to_household_code": targetCode, "relation": "head"])
            #expect(badTarget.status == .conflict && badTarget.text.contains("head_exists"))
            let moved = try await t.request(
                .POST, "/api/v1/members/\(childID)/transfer", token: token, json: ["to_household_code": targetCode, "relation": "sonInLaw"])
            #expect(try moved.status == .unprocessableEntity && (try moved.problemFields()) == ["relation"])
            let ok = try await t.request(
                .POST, "/api/v1/members/\(childID)/transfer", token: token, json: ["to_household_code": targetCode, "relation": "son_in_law"])
            #expect(
                try ok.status == .ok && (try ok.json()["household_code"] as? String) == targetCode && (try ok.json()["member_count"] as? Int) == 2)
            #expect(try await t.request(.GET, "/api/v1/members/\(childID)", token: token).json()["household_code"] as? String == targetCode)
            // Closing needs every member gone; a closed household takes no change.
            let early = try await t.request(
                .POST, "/api/v1/households/\(code)/close", token: token, json: ["reason": "all_deceased", "date": "2024-03-02"])
            #expect(early.status == .conflict && early.text.contains("members_present"))
            #expect(
                try await t.request(.POST, "/api/v1/members/\(spouseID)/leave", token: token, json: ["reason": "death", "date": "2024-03-02"]).status
                    == .ok)
            let closed = try await t.request(
                .POST, "/api/v1/households/\(code)/close", token: token, json: ["reason": "all_deceased", "date": "2024-03-02"])
            #expect(try closed.status == .ok && (try closed.json()["status"] as? String) == "closed")
            let late = try await t.request(.POST, "/api/v1/households/\(code)/members", token: token, json: F.member(F.id(24), name: "新人"))
            #expect(late.status == .conflict && late.text.contains("household_closed"))
            // Codes are never reused: the next household in the village gets a new sequence.
            let next = try await F.household(t, token: token, headID: F.id(25))
            #expect(HouseholdCode(next["household_code"] as! String)!.sequence == 3)
            // The history names every change.
            let audit = try await t.request(.GET, "/api/v1/audit?entity_type=household&entity_id=\(code)&per=50", token: token)
            let actions = Set((try audit.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String })
            #expect(
                actions.isSuperset(of: ["household.create", "member.add", "member.update", "member.leave", "member.transfer", "household.close"]))
        }
    }

    @Test func householdChangesNeedIfMatchAndAVillageInScope() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let household = try await F.household(t, token: token, headID: F.id(30))
            let code = household["household_code"] as! String
            let etag = try #require(try await t.request(.GET, "/api/v1/households/\(code)", token: token).headers.first(name: .eTag))
            let moved = try await t.request(
                .PATCH, "/api/v1/households/\(code)", token: token, json: ["division_code": F.linVillage2, "phone": NSNull()],
                headers: ["If-Match": etag])
            #expect(moved.status == .ok, "\(moved.text)")
            #expect(try moved.json()["division_code"] as? String == F.linVillage2 && (try moved.json()["household_code"] as? String) == code)
            #expect(try moved.json()["phone"] == nil)
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let op = try await t.token("lin.op")
            let etag2 = try #require(try await t.request(.GET, "/api/v1/households/\(code)", token: op).headers.first(name: .eTag))
            let away = try await t.request(
                .PATCH, "/api/v1/households/\(code)", token: op, json: ["division_code": F.xingVillage], headers: ["If-Match": etag2])
            #expect(try away.status == .unprocessableEntity && (try away.problemFields()) == ["division_code"])
        }
    }

    @Test func viewersSeeNoNameAndNoID() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let ids = [F.id(40), F.id(41)]
            let household = try await F.household(t, token: token, headID: ids[0], headName: "欧阳娜娜", members: [F.member(ids[1], name: "王二小")])
            let code = household["household_code"] as! String
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = try await t.token("lin.viewer")
            let show = try await t.request(.GET, "/api/v1/households/\(code)", token: viewer)
            let list = try await t.request(.GET, "/api/v1/households", token: viewer)
            let memberID = (household["members"] as! [[String: Any]])[1]["id"] as! String
            let member = try await t.request(.GET, "/api/v1/members/\(memberID)", token: viewer)
            for res in [show, list, member] {
                #expect(res.status == .ok)
                for secret in ids + ["欧阳娜娜", "王二小", "13912345678"] { #expect(!res.text.contains(secret), "\(secret) in \(res.text)") }
            }
            #expect(try show.json()["head_name"] as? String == "欧阳**")
            #expect(try member.json()["name"] as? String == "王**")
            let lookup = try await t.request(.POST, "/api/v1/members/lookup", token: viewer, json: ["resident_id": ids[1]])
            #expect(try lookup.status == .ok && (try lookup.json()["member_id"] as? String) == memberID)
        }
    }

    @Test func revealNeedsARoleAndAReasonAndIsAudited() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let id = F.id(50)
            let household = try await F.household(t, token: admin, headID: id)
            let memberID = (household["members"] as! [[String: Any]])[0]["id"] as! String
            for role in Role.allCases { try await t.createUser("lin.\(role.rawValue)", role: role, division: "141124") }
            for role in [Role.operator, .viewer] {
                let res = try await t.request(
                    .POST, "/api/v1/members/\(memberID)/reveal", token: try await t.token("lin.\(role.rawValue)"), json: ["reason": "核对"])
                #expect(res.status == .forbidden, "\(role)")
            }
            let supervisor = try await t.token("lin.supervisor")
            let noReason = try await t.request(.POST, "/api/v1/members/\(memberID)/reveal", token: supervisor, json: [:])
            #expect(try noReason.status == .unprocessableEntity && (try noReason.problemFields()) == ["reason"])
            let blank = try await t.request(.POST, "/api/v1/members/\(memberID)/reveal", token: supervisor, json: ["reason": " "])
            #expect(blank.status == .unprocessableEntity)
            let shown = try await t.request(.POST, "/api/v1/members/\(memberID)/reveal", token: supervisor, json: ["reason": "核对低保材料"])
            #expect(try shown.status == .ok && (try shown.json()["resident_id"] as? String) == id)
            let audit = try await t.request(.GET, "/api/v1/audit?entity_type=member&entity_id=\(memberID)", token: admin)
            let events = try #require(try audit.json()["items"] as? [[String: Any]])
            #expect(events.count == 1 && events[0]["action"] as? String == "member.reveal" && events[0]["actor"] as? String == "lin.supervisor")
            #expect(audit.text.contains("核对低保材料") && !audit.text.contains(id))
            // Nowhere in the trail is a clear ID.
            struct Row: Decodable { var changes: String }
            let all = try await t.sql.select().column("changes").from("audit_events").all(decoding: Row.self)
            #expect(!all.contains { $0.changes.contains(id) || $0.changes.contains(String(id.prefix(17))) })
            #expect(all.contains { $0.changes.contains(PersonalData.residentID.mask(id)) })
        }
    }

    @Test func lookupStaysInScopeAndOutOfURLs() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let lin = F.id(60), xing = F.id(61, address: "141123")
            let linHousehold = try await F.household(t, token: admin, headID: lin)
            _ = try await F.household(t, token: admin, village: F.xingVillage, headID: xing)
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let op = try await t.token("lin.op")
            let found = try await t.request(.POST, "/api/v1/members/lookup", token: op, json: ["resident_id": lin.lowercased()])
            #expect(found.status == .ok)
            #expect(try found.json()["household_code"] as? String == linHousehold["household_code"] as? String)
            #expect(try found.json()["division_code"] as? String == F.linVillage)
            let elsewhere = try await t.request(.POST, "/api/v1/members/lookup", token: op, json: ["resident_id": xing])
            let unknown = try await t.request(.POST, "/api/v1/members/lookup", token: op, json: ["resident_id": F.id(62)])
            #expect(elsewhere.status == .notFound && unknown.status == .notFound)
            #expect(try elsewhere.json()["detail"] as? String == unknown.json()["detail"] as? String)
            let malformed = try await t.request(.POST, "/api/v1/members/lookup", token: op, json: ["resident_id": "14112419900101123"])
            #expect(malformed.status == .unprocessableEntity && !malformed.text.contains("14112419900101123"))
            #expect(try await t.request(.GET, "/api/v1/members/lookup?resident_id=\(lin)", token: op).status == .notFound)
        }
    }
}

extension ResidentIdentity {
    init?(_ raw: String) { try? self.init(validating: raw) }
}
