import Testing

@testable import TongguanDomain

@Suite("NameMask")
struct NameMaskTests {
    @Test(
        "the surname stays, every other character becomes *",
        arguments: [
            ("张三", "张*"), ("张三丰", "张**"), ("王", "王*"), ("李小龙飞", "李***"),
            ("欧阳娜娜", "欧阳**"), ("欧阳修", "欧阳*"), ("司马相如", "司马**"), ("诸葛亮", "诸葛*"),
            ("上官婉儿", "上官**"), ("令狐冲", "令狐*"), ("长孙无忌", "长孙**"), ("南宫问天", "南宫**"),
            ("阿卜杜热合曼·买买提", "阿*********"), ("Zhang San", "Z********"), ("𠀋子", "𠀋*"), ("", ""),
        ])
    func masks(_ name: String, _ masked: String) {
        #expect(NameMask.mask(name) == masked)
        #expect(!masked.isEmpty || name.isEmpty)
    }

    @Test("a two-character name starting like a compound surname keeps one character (欧阳 may be 欧 + 阳)")
    func twoCharacters() {
        #expect(NameMask.mask("欧阳") == "欧*")
        #expect(NameMask.surname(of: "欧阳") == "欧")
        #expect(NameMask.surname(of: "司马") == "司")
    }

    @Test(
        "every compound surname of the issue's list is kept whole",
        arguments: [
            "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
            "长孙", "宇文", "司徒", "夏侯", "轩辕", "端木", "西门", "独孤", "南宫",
        ])
    func issueList(_ surname: String) {
        #expect(NameMask.compoundSurnames.contains(surname))
        #expect(NameMask.surname(of: surname + "明") == surname)
        #expect(NameMask.mask(surname + "明") == surname + "*")
        #expect(NameMask.mask(surname + "明亮") == surname + "**")
    }

    @Test("the list holds only two-character surnames")
    func listShape() {
        #expect(NameMask.compoundSurnames.allSatisfy { $0.count == 2 })
        #expect(NameMask.compoundSurnames.count >= 60)
    }

    @Test("the masked form never shows the given name and keeps the length")
    func hidesGivenName() {
        for name in ["张三丰", "欧阳娜娜", "慕容复", "李"] {
            let masked = NameMask.mask(name)
            let kept = NameMask.surname(of: name)
            #expect(masked.hasPrefix(kept))
            #expect(masked.dropFirst(kept.count).allSatisfy { $0 == "*" })
            #expect(masked.count == max(name.count, kept.count + 1))
        }
    }

    @Test("viewers see masked names; every other role sees them in full")
    func byRole() {
        for role in Role.allCases {
            let shown = NameMask.shown("欧阳娜娜", to: role)
            #expect(shown == (role == .viewer ? "欧阳**" : "欧阳娜娜"))
        }
    }

    @Test("resident IDs are shown as the first 6 and last 4 (PersonalData's mask)")
    func residentID() {
        let identity = Fixture.identity("19800101", "123")
        #expect(identity.masked == String(identity.id.prefix(6)) + "********" + String(identity.id.suffix(4)))
        #expect(identity.masked == PersonalData.residentID.mask(identity.id))
        #expect(!identity.masked.contains("19800101"))
    }
}
