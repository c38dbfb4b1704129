import Testing

@testable import TongguanDomain

@Suite("PersonalData")
struct PersonalDataTests {
    @Test("raw values")
    func rawValues() {
        #expect(PersonalData.residentID.rawValue == "residentID")
        #expect(PersonalData(rawValue: "phone") == .phone)
        #expect(PersonalData(rawValue: "name") == .name)
        #expect(PersonalData(rawValue: "address") == .address)
        #expect(PersonalData(rawValue: "secret") == .secret)
        #expect(PersonalData(rawValue: "password") == nil)
    }

    @Test(
        "resident ID keeps the first 6 and last 4",
        arguments: [
            ("11010519491231002X", "110105********002X"),
            ("440524188001010014", "440524********0014"),
            ("141124198001011234", "141124********1234"),
            ("141124800101123", "141124*****1123"),  // old 15-digit number
            ("12345678901", "123456*8901"),  // 11: the shortest that keeps any digits
            ("1234567890", "**********"),  // 10 and fewer: all hidden
            ("12345", "*****"),
            ("1", "*"),
            ("", ""),
        ])
    func residentID(_ value: String, _ masked: String) {
        #expect(PersonalData.residentID.mask(value) == masked)
        #expect(PersonalData.residentID.mask(value).count == value.count)
    }

    @Test(
        "phone keeps the first 3 and last 4",
        arguments: [
            ("13812345678", "138****5678"),
            ("+8613812345678", "+86*******5678"),
            ("0358-8221234", "035*****1234"),
            ("12345678", "123*5678"),
            ("1234567", "*******"),
            ("110", "***"),
            ("", ""),
        ])
    func phone(_ value: String, _ masked: String) {
        #expect(PersonalData.phone.mask(value) == masked)
        #expect(PersonalData.phone.mask(value).count == value.count)
    }

    @Test(
        "name keeps the first character",
        arguments: [
            ("张三", "张*"),
            ("张", "张*"),  // a single character still gets a star, so its length is not shown
            ("欧阳娜娜", "欧***"),
            ("阿卜杜热合曼·买买提", "阿*********"),
            ("Zhang San", "Z********"),
            ("𠀋子", "𠀋*"),  // a character outside the BMP is kept whole
            ("e\u{301}mile", "e\u{301}****"),  // combining accent stays with its letter
            ("👨‍👩‍👧王", "👨‍👩‍👧*"),
            ("", ""),
        ])
    func name(_ value: String, _ masked: String) {
        #expect(PersonalData.name.mask(value) == masked)
    }

    @Test(
        "address keeps the first 6 characters",
        arguments: [
            ("山西省吕梁市临县城庄镇", "山西省吕梁市***"),
            ("山西省吕梁市临", "山西省吕梁市***"),
            ("山西省吕梁市", "山西省吕梁市"),
            ("临县", "临县"),
            ("Lüliang City, Shanxi", "Lülian***"),
            ("", ""),
        ])
    func address(_ value: String, _ masked: String) {
        #expect(PersonalData.address.mask(value) == masked)
    }

    @Test("secrets are always six stars", arguments: ["", "x", "correct horse battery staple", "密码123", String(repeating: "a", count: 200)])
    func secret(_ value: String) {
        #expect(PersonalData.secret.mask(value) == "******")
    }

    @Test("masks never contain the hidden middle", arguments: ["11010519491231002X", "13812345678"])
    func hidesMiddle(_ value: String) {
        for kind in [PersonalData.residentID, .phone] {
            let masked = kind.mask(value)
            #expect(!masked.contains(value))
            #expect(masked.contains("*"))
        }
        #expect(!PersonalData.residentID.mask("11010519491231002X").contains("19491231"))
    }
}
