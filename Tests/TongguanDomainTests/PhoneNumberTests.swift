import Testing

@testable import TongguanDomain

@Suite("PhoneNumber: mobiles and landlines as staff write them")
struct PhoneNumberTests {
    @Test("11-digit mobiles starting 13 to 19 are accepted", arguments: Array("3456789"))
    func mobiles(_ second: Character) {
        let number = "1" + String(second) + "012345678"
        #expect(PhoneNumber.normalized(number) == number)
    }

    @Test("mobiles starting 10, 11 or 12 are refused", arguments: Array("012"))
    func notMobiles(_ second: Character) {
        #expect(PhoneNumber.normalized("1" + String(second) + "012345678") == nil)
    }

    @Test("mobiles of the wrong length are refused", arguments: ["1381234567", "138123456789", "138", "1"])
    func mobileLength(_ number: String) {
        #expect(PhoneNumber.normalized(number) == nil)
    }

    @Test(
        "spaces and ideographic spaces are dropped",
        arguments: [
            ("138 1234 5678", "13812345678"), ("\u{3000}13812345678\u{3000}", "13812345678"), ("0358 - 8221234", "0358-8221234"),
            (" 010-12345678 ", "010-12345678"),
        ])
    func spaces(_ raw: String, _ normalized: String) {
        #expect(PhoneNumber.normalized(raw) == normalized)
    }

    @Test(
        "landlines with a 3- or 4-digit area code and a 7- or 8-digit number",
        arguments: [
            "010-12345678", "010-1234567", "021-87654321", "0358-8221234", "0358-82212345", "0351-7654321",
        ])
    func landlines(_ number: String) {
        #expect(PhoneNumber.normalized(number) == number)
    }

    @Test("landlines written without the dash", arguments: ["01012345678", "03588221234", "035882212345", "0101234567"])
    func landlinesWithoutDash(_ number: String) {
        #expect(PhoneNumber.normalized(number) == number)
    }

    @Test(
        "an extension of 1 to 6 digits after a second dash",
        arguments: [
            "0358-8221234-1", "0358-8221234-8012", "010-12345678-123456", "010-1234567-0",
        ])
    func extensions(_ number: String) {
        #expect(PhoneNumber.normalized(number) == number)
    }

    @Test(
        "junk is refused",
        arguments: [
            "", " ", "abc", "电话", "0358-822123", "0358-822123456", "358-8221234", "03-8221234", "03581-8221234",
            "0358--8221234", "0358-8221234-", "0358-8221234-1234567", "0358-8221234-12-3", "(0358)8221234",
            "0358-8221234转8012", "+8613812345678", "8613812345678", "13812345678-1", "138-1234-5678",
            "１３８１２３４５６７８", "0358-８２２１２３４", "010123456", "0101234567890", "8221234", "-8221234",
            "0358-abcdefg", "12345678901", "1381234567a", "0358—8221234", "00000000000", "0000-0000000", "000-12345678",
            "00-1234-5678",
        ])
    func junk(_ raw: String) {
        #expect(PhoneNumber.normalized(raw) == nil)
    }

    @Test("the message shows the expected forms without anyone's number")
    func message() {
        #expect(PhoneNumber.problemMessage == "联系电话应为11位手机号或带区号的固定电话(如 0358-8221234)")
    }
}
