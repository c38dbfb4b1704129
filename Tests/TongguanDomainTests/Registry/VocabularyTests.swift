import Foundation
import Testing

@testable import TongguanDomain

@Suite("Registry vocabularies")
struct VocabularyTests {
    func check<V: RegistryVocabulary>(_: V.Type, _ expected: [(String, String, String)]) {
        #expect(V.allCases.count == expected.count)
        for (value, (raw, label, sheet)) in zip(V.allCases, expected) {
            #expect(value.rawValue == raw)
            #expect(value.label == label)
            #expect(value.sheetLabel == sheet)
            #expect(V(rawValue: raw) == value)
            #expect(V(label: sheet) == value)
            #expect(V(label: label) == value)
            #expect(V(label: " \(sheet)\u{3000}") == value)
            #expect(V(parsing: raw) == value)
            #expect(V(parsing: label) == value)
            #expect(V(label: raw) == nil || raw == label)
        }
        #expect(Set(V.allCases.map(\.label)).count == expected.count)
        #expect(Set(V.allCases.map(\.sheetLabel)).count == expected.count)
        #expect(V(label: "") == nil)
        #expect(V(parsing: "不存在") == nil)
        #expect(V.sheetChoices == "应为" + expected.map { "「\($0.2)」" }.joined() + "之一")
    }

    @Test("与户主关系") func relation() {
        check(
            Relation.self,
            [
                ("head", "户主", "户主"), ("spouse", "配偶", "配偶"), ("child", "子女", "子女"),
                ("daughter_in_law", "儿媳", "儿媳"), ("son_in_law", "女婿", "女婿"), ("parent", "父母", "父母"),
                ("grandchild", "孙子女", "孙子女"), ("grandchild_via_daughter", "外孙子女", "外孙子女"),
                ("sibling", "兄弟姐妹", "兄弟姐妹"), ("other", "其他", "其他"),
            ])
    }

    @Test("劳动能力: the sheet writes 有/弱/无") func labour() {
        check(LabourCapacity.self, [("full", "有劳动能力", "有"), ("weak", "弱劳动能力", "弱"), ("none", "无劳动能力", "无")])
    }

    @Test("在校学段") func school() {
        check(
            SchoolStage.self,
            [
                ("none", "无", "无"), ("preschool", "学前", "学前"), ("compulsory", "义务教育", "义务教育"),
                ("high_school", "普通高中", "普通高中"), ("vocational", "中职", "中职"), ("college", "大专及以上", "大专及以上"),
            ])
    }

    @Test("务工状态") func work() {
        check(
            WorkStatus.self,
            [
                ("migrant", "外出务工", "外出务工"), ("local", "本地务工", "本地务工"),
                ("farming", "务农", "务农"), ("none", "无", "无"),
            ])
    }

    @Test("离户原因") func leave() {
        check(
            LeaveReason.self,
            [
                ("death", "死亡", "死亡"), ("moved_out", "迁出", "迁出"),
                ("marriage", "婚嫁", "婚嫁"), ("other", "其他", "其他"),
            ])
    }

    @Test("成员状态 and 户状态") func statuses() {
        check(MemberStatus.self, [("present", "在户", "在户"), ("left", "已离户", "已离户")])
        check(HouseholdStatus.self, [("active", "在册", "在册"), ("closed", "已销户", "已销户")])
    }

    @Test("销户原因") func closeReason() {
        check(
            HouseholdCloseReason.self,
            [
                ("all_deceased", "全户死亡", "全户死亡"), ("moved_out", "全户迁出", "全户迁出"),
                ("merged", "并入他户", "并入他户"), ("duplicate", "重复登记", "重复登记"), ("other", "其他", "其他"),
            ])
    }

    @Test("是/否 cells") func bools() {
        #expect(SheetBool.parse("是") == true)
        #expect(SheetBool.parse(" 否 ") == false)
        for bad in ["", "Y", "N", "true", "1", "0", "有", "无", "是的"] { #expect(SheetBool.parse(bad) == nil) }
        #expect(SheetBool.label(true) == "是")
        #expect(SheetBool.label(false) == "否")
    }

    @Test("vocabularies encode as their raw values") func codable() throws {
        let data = try JSONEncoder().encode([Relation.grandchildViaDaughter.rawValue, SchoolStage.highSchool.rawValue])
        #expect(String(decoding: data, as: UTF8.self) == #"["grandchild_via_daughter","high_school"]"#)
        let relation = try JSONDecoder().decode([Relation].self, from: Data(#"["daughter_in_law"]"#.utf8))
        #expect(relation == [.daughterInLaw])
        let departure = Departure(reason: .movedOut, date: Fixture.date("2024-01-02"))
        let decoded = try JSONDecoder().decode(Departure.self, from: JSONEncoder().encode(departure))
        #expect(decoded == departure)
    }
}
