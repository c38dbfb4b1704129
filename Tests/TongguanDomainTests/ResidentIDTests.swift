import Testing

@testable import TongguanDomain

@Suite("ResidentID: 公民身份号码 (GB 11643-1999)")
struct ResidentIDTests {
    /// ISO 7064 MOD 11-2 as DOMAIN.md writes it, so the library is checked against the text.
    static func check(_ body: String) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return Array("10X98765432")[sum % 11]
    }

    /// 17 digits from an address code, a birth date and a sequence number, plus the check.
    static func id(_ address: String = "141124", birth: String, _ sequence: String = "123") -> String {
        let body = address + birth + sequence
        return body + String(check(body))
    }

    @Test("the DOMAIN.md examples are valid", arguments: ["11010519491231002X", "440524188001010014"])
    func examples(_ id: String) throws {
        #expect(try ResidentID.validate(id) == id)
        #expect(Self.check(String(id.prefix(17))) == id.last)
    }

    @Test(
        "a lower-case x check character is read as X, and blanks around are dropped",
        arguments: [
            "11010519491231002x", " 11010519491231002X ", "11010519491231002X\t",
        ])
    func lowerCaseX(_ raw: String) throws {
        #expect(try ResidentID.validate(raw) == "11010519491231002X")
    }

    @Test("X appears exactly when the sum leaves remainder 2")
    func checkX() throws {
        var found = 0
        for n in 100...400 {
            let id = Self.id(birth: "19800101", String(n))
            #expect(try ResidentID.validate(id) == id)
            if id.hasSuffix("X") { found += 1 }
        }
        #expect(found > 0)
    }

    @Test(
        "numbers issued in 吕梁地区 before 2003 keep their 1423xx prefixes and are valid",
        arguments: [
            "142301", "142322", "142325", "142327", "142329", "142332", "142401",
        ])
    func oldPrefixes(_ address: String) throws {
        let id = Self.id(address, birth: "19750615")
        #expect(try ResidentID.validate(id) == id)
    }

    @Test(
        "any address code is accepted: it is never checked against today's divisions",
        arguments: [
            "000000", "999999", "141124", "110105",
        ])
    func anyAddress(_ address: String) throws {
        let id = Self.id(address, birth: "19900101")
        #expect(try ResidentID.validate(id) == id)
    }

    @Test(
        "real birth dates pass, including leap days and the 1800s of the standard's example",
        arguments: [
            "20000229", "19960229", "19491231", "19000101", "18800101", "18000101", "20240229", "19000228", "20231231",
        ])
    func realBirthDates(_ birth: String) throws {
        let id = Self.id(birth: birth)
        #expect(try ResidentID.validate(id) == id)
    }

    @Test(
        "impossible birth dates are refused even with a right check character",
        arguments: [
            "19900230", "19000229", "21000229", "19991301", "19990001", "19990100", "19990431", "19990132", "00000000", "17991231", "22010101",
            "20230229",
        ])
    func impossibleBirthDates(_ birth: String) {
        #expect(throws: ResidentID.Problem.birthDate) { try ResidentID.validate(Self.id(birth: birth)) }
    }

    @Test("a wrong check character is refused for every wrong value")
    func wrongCheck() {
        for id in ["11010519491231002X", "440524188001010014", Self.id(birth: "19800101")] {
            for c in "0123456789X" where c != id.last {
                #expect(throws: ResidentID.Problem.checksum) { try ResidentID.validate(String(id.dropLast()) + String(c)) }
            }
        }
    }

    @Test("a single changed digit outside the birth date is caught", arguments: [0, 1, 2, 3, 4, 5, 14, 15, 16])
    func singleSubstitution(_ position: Int) {
        let id = Array("11010519491231002X")
        for d in "0123456789" where d != id[position] {
            var changed = id
            changed[position] = d
            #expect(throws: ResidentID.Problem.checksum) { try ResidentID.validate(String(changed)) }
        }
    }

    @Test("swapping two different adjacent digits is caught")
    func adjacentTransposition() throws {
        let id = Array(Self.id(birth: "19800101", "135"))
        for i in [0, 1, 2, 3, 4, 14, 15] where id[i] != id[i + 1] {
            var swapped = id
            swapped.swapAt(i, i + 1)
            #expect(throws: ResidentID.Problem.checksum) { try ResidentID.validate(String(swapped)) }
        }
    }

    @Test(
        "anything but 17 digits and a check character is a format problem",
        arguments: [
            "", "11010519491231002", "11010519491231002X1", "110105194912310",  // 15-digit pre-1999 numbers
            "1101051949123100X2", "X10105194912310022", "11010519491231002Y", "1101051949 231002X",
            "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002-", "11010519491231002Ⅹ",
        ])
    func format(_ raw: String) {
        #expect(throws: ResidentID.Problem.format) { try ResidentID.validate(raw) }
    }

    @Test("format is checked before the birth date, the birth date before the check character")
    func order() {
        #expect(throws: ResidentID.Problem.format) { try ResidentID.validate("14112419900230123") }
        let badDateBadCheck = "141124199002301231"
        #expect(Self.check(String(badDateBadCheck.prefix(17))) != "1")
        #expect(throws: ResidentID.Problem.birthDate) { try ResidentID.validate(badDateBadCheck) }
    }

    @Test("messages say what is wrong without repeating the number")
    func messages() {
        #expect(ResidentID.Problem.format.message == "身份证号应为17位数字加1位校验码(数字或X)")
        #expect(ResidentID.Problem.birthDate.message == "身份证号中的出生日期无效")
        #expect(ResidentID.Problem.checksum.message == "身份证号校验码错误")
    }
}
