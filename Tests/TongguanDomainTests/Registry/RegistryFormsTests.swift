import Foundation
import Testing

@testable import TongguanDomain

@Suite("RegistryForms")
struct RegistryFormsTests {
    let today = Fixture.date("2024-06-15")

    func input(
        name: String = "张三", id: String = SheetFixture.headID, relation: String = "head", labour: String = "full",
        school: String = "none", work: String = "farming"
    ) -> RegistryForms.MemberInput {
        RegistryForms.MemberInput(
            name: name, residentID: id, relation: relation, labourCapacity: labour, disability: true,
            chronicIllness: false, schoolStage: school, workStatus: work, basicMedicalInsurance: true)
    }

    func problems(_ body: () throws(ValidationFailure) -> Void) -> [FieldProblem] {
        do { try body(); return [] } catch { return error.problems }
    }

    @Test("a member's fields by API raw values (labels also pass), normalised")
    func member() throws {
        let fields = try RegistryForms.member(
            input(
                name: " 欧阳娜娜 ", id: SheetFixture.spouseID.lowercased(), relation: "spouse",
                labour: "弱劳动能力", school: "high_school", work: "外出务工"), today: today)
        #expect(fields.name == "欧阳娜娜")
        #expect(fields.resident.id == SheetFixture.spouseID)
        #expect(fields.relation == .spouse)
        #expect(fields.labourCapacity == .weak)
        #expect(fields.schoolStage == .highSchool)
        #expect(fields.workStatus == .migrant)
        #expect(fields.disability && !fields.chronicIllness && fields.basicMedicalInsurance)
        let id = UUID()
        let snapshot = fields.snapshot(id: id)
        #expect(snapshot.id == id && snapshot.birthDate == Fixture.date("1972-05-05") && snapshot.sex == fields.resident.sex)
        #expect(snapshot.isPresent)
    }

    @Test("every bad member field is reported under its API name")
    func memberProblems() {
        let found = problems { () throws(ValidationFailure) in
            _ = try RegistryForms.member(input(name: "", id: "123", relation: "son", labour: "", school: "小学", work: "x"), today: today)
        }
        #expect(found.map(\.field) == ["name", "resident_id", "relation", "labour_capacity", "school_stage", "work_status"])
        #expect(found[0].message == "不能为空")
        #expect(found[1].message == ResidentID.Problem.format.message)
        #expect(found[2].message.hasPrefix("应为head(户主)、spouse(配偶)"))
        #expect(found[3].message == "不能为空")
        let future = Fixture.residentID("141124", "20240616", "001")
        #expect(
            problems { () throws(ValidationFailure) in _ = try RegistryForms.member(input(id: future), today: today) }
                == [FieldProblem(field: "resident_id", message: "身份证号中的出生日期晚于今天")])
        #expect(
            problems { () throws(ValidationFailure) in _ = try RegistryForms.member(input(id: " "), today: today) }
                == [FieldProblem(field: "resident_id", message: "不能为空")])
        #expect(
            problems { () throws(ValidationFailure) in _ = try RegistryForms.member(input(name: String(repeating: "名", count: 51)), today: today) }
                == [FieldProblem(field: "name", message: "不能超过50个字符")])
        #expect(
            problems { () throws(ValidationFailure) in _ = try RegistryForms.member(input(name: "张\u{200E}三"), today: today) }.map(\.field) == [
                "name"
            ])
    }

    @Test("a household's village, address and phone")
    func household() throws {
        let fields = try RegistryForms.household(divisionCode: " 141124100201 ", address: " 某村一组 ", phone: "138 1234 5678")
        #expect(fields.divisionCode == Fixture.village)
        #expect(fields.address == "某村一组")
        #expect(fields.phone == "13812345678")
        let bare = try RegistryForms.household(divisionCode: "141124100201", address: "  ", phone: nil)
        #expect(bare.address == nil && bare.phone == nil)
        let found = problems { () throws(ValidationFailure) in
            _ = try RegistryForms.household(divisionCode: "141124", address: String(repeating: "址", count: 201), phone: "12345")
        }
        #expect(
            found == [
                FieldProblem(field: "division_code", message: "应为12位村级区划代码"),
                FieldProblem(field: "address", message: "不能超过200个字符"),
                FieldProblem(field: "phone", message: PhoneNumber.problemMessage),
            ])
        #expect(
            problems { () throws(ValidationFailure) in _ = try RegistryForms.household(divisionCode: "abc", address: nil, phone: nil) }
                == [FieldProblem(field: "division_code", message: DivisionCode.Problem.notDigits.message)])
    }

    @Test("leaving and closing: a reason and a date")
    func departureAndClosure() throws {
        #expect(
            try RegistryForms.departure(reason: "moved_out", date: "2024-06-01") == Departure(reason: .movedOut, date: Fixture.date("2024-06-01")))
        #expect(try RegistryForms.departure(reason: "死亡", date: "2024年6月1日").reason == .death)
        #expect(
            try RegistryForms.closure(reason: "merged", date: "2024-06-01") == HouseholdClosure(reason: .merged, date: Fixture.date("2024-06-01")))
        let found = problems { () throws(ValidationFailure) in _ = try RegistryForms.departure(reason: "gone", date: "2024-02-30") }
        #expect(found.map(\.field) == ["reason", "date"])
        let closing = problems { () throws(ValidationFailure) in _ = try RegistryForms.closure(reason: "", date: "") }
        #expect(closing == [FieldProblem(field: "reason", message: "不能为空"), FieldProblem(field: "date", message: "日期应为 2024-06-15 的形式")])
    }
}
