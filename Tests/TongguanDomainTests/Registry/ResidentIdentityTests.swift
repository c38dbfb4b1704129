import Foundation
import Testing

@testable import TongguanDomain

@Suite("ResidentIdentity")
struct ResidentIdentityTests {
    @Test("the documented example: normalised ID, birth date, sex")
    func example() throws {
        let identity = try ResidentIdentity(validating: "11010519491231002x")
        #expect(identity.id == "11010519491231002X")
        #expect(identity.birthDate == CivilDate(year: 1949, month: 12, day: 31))
        #expect(identity.sex == .female)  // 17th digit 2
        #expect(identity.masked == "110105********002X")
        #expect(identity.description == identity.masked)
    }

    @Test("the 17th digit decides the sex: odd male, even female", arguments: Array(0...9))
    func sex(_ last: Int) throws {
        let identity = try ResidentIdentity(validating: Fixture.residentID("141124", "19800101", "12\(last)"))
        #expect(identity.sex == (last % 2 == 1 ? .male : .female))
    }

    @Test("the ID text round-trips through the packed digits for every check character")
    func roundTrip() throws {
        var checks = Set<Character>()
        for sequence in 0..<200 {
            let birth = String(format: "19%02d%02d%02d", sequence % 100, sequence % 12 + 1, sequence % 28 + 1)
            let id = Fixture.residentID("142301", birth, String(format: "%03d", sequence))
            let identity = try ResidentIdentity(validating: " \(id.lowercased()) ")
            #expect(identity.id == id)
            #expect(identity.birthDate == CivilDate(compact: birth))
            checks.insert(id.last!)
        }
        #expect(checks == Set("0123456789X"))
    }

    @Test(
        "pre-2003 1423xx address codes and any other address code are accepted",
        arguments: ["142301", "142322", "142327", "141124", "110105", "999999", "000000"])
    func addressCodes(_ address: String) throws {
        let id = Fixture.residentID(address, "19750615", "321")
        #expect(try ResidentIdentity(validating: id).id == id)
    }

    @Test("format, birth date and checksum problems are ResidentID's, with its messages")
    func problems() {
        let good = Fixture.residentID("141124", "19800101", "123")
        let wrongCheck = String(good.dropLast()) + (good.last == "0" ? "1" : "0")
        let cases: [(String, ResidentIdentity.Problem, ResidentID.Problem)] = [
            ("1411241980010112", .format, .format),
            ("14112419800101123A", .format, .format),
            (Fixture.residentID("141124", "19800230", "123"), .birthDate, .birthDate),
            (Fixture.residentID("141124", "19001301", "123"), .birthDate, .birthDate),
            (Fixture.residentID("141124", "19000229", "123"), .birthDate, .birthDate),  // 1900 was no leap year
            (Fixture.residentID("141124", "17991231", "123"), .birthDate, .birthDate),  // before 1800
            (wrongCheck, .checksum, .checksum),
        ]
        for (text, problem, underlying) in cases {
            #expect(throws: problem) { try ResidentIdentity(validating: text) }
            #expect(problem.message == underlying.message)
            #expect(ResidentIdentity.Problem(underlying) == problem)
        }
    }

    @Test("29 February is real in leap years only")
    func leapDays() throws {
        #expect(try ResidentIdentity(validating: Fixture.residentID("141124", "20000229", "001")).birthDate.day == 29)
        #expect(try ResidentIdentity(validating: Fixture.residentID("141124", "20040229", "001")).birthDate.month == 2)
        #expect(throws: ResidentIdentity.Problem.birthDate) { try ResidentIdentity(validating: Fixture.residentID("141124", "20030229", "001")) }
    }

    @Test("a birth date after today is refused; today itself is fine")
    func future() throws {
        let today = Fixture.date("2024-06-15")
        #expect(try ResidentIdentity(validating: Fixture.residentID("141124", "20240615", "001"), today: today).birthDate == today)
        for birth in ["20240616", "20250101", "21000101"] {
            let id = Fixture.residentID("141124", birth, "001")
            #expect(throws: ResidentIdentity.Problem.bornAfterToday) { try ResidentIdentity(validating: id, today: today) }
            #expect(try ResidentIdentity(validating: id).birthDate > today)
        }
        #expect(ResidentIdentity.Problem.bornAfterToday.message == "身份证号中的出生日期晚于今天")
        // A bad checksum is reported as such even when the date is also in the future.
        let future = Fixture.residentID("141124", "20300101", "001")
        let bad = String(future.dropLast()) + (future.last == "0" ? "1" : "0")
        #expect(throws: ResidentIdentity.Problem.checksum) { try ResidentIdentity(validating: bad, today: today) }
    }

    @Test(
        "age is whole years on the given date",
        arguments: [
            ("20100301", "2016-02-29", 5), ("20100301", "2016-03-01", 6), ("20000229", "2001-02-28", 0),
            ("20000229", "2001-03-01", 1), ("20000229", "2004-02-29", 4), ("19491231", "2024-12-30", 74),
            ("19491231", "2024-12-31", 75), ("20240615", "2024-06-15", 0), ("20240615", "2024-06-14", -1),
        ])
    func age(_ birth: String, _ on: String, _ years: Int) {
        #expect(Fixture.identity(birth).age(on: Fixture.date(on)) == years)
    }

    @Test("identities compare by their digits; equal text, equal identity")
    func comparison() throws {
        let a = Fixture.identity("19800101", "001"), b = Fixture.identity("19800101", "002")
        #expect(a < b)
        #expect(a == (try ResidentIdentity(validating: a.id.lowercased())))
        #expect(Set([a, b, a]).count == 2)
    }

    @Test("sex labels")
    func sexLabels() {
        #expect(Sex.male.label == "男")
        #expect(Sex.female.label == "女")
        #expect(Sex.allCases.map(\.rawValue) == ["male", "female"])
    }
    @Test("the byte-level fast path agrees with ResidentID.validate on valid, mistyped and odd inputs")
    func fastPathAgrees() {
        var generator = SystemRandomNumberGenerator()
        var inputs: [String] = ["11010519491231002x", "11010519491231002X", " 11010519491231002X", "11010519491231002X ", "１１010519491231002X"]
        for n in 0..<3000 {
            let year = Int.random(in: 1790...2210, using: &generator)
            let birth = String(format: "%04d%02d%02d", year, Int.random(in: 0...13, using: &generator), Int.random(in: 0...32, using: &generator))
            guard birth.count == 8 else { continue }
            let id = Fixture.residentID(["141124", "142301", "000000"][n % 3], birth, String(format: "%03d", n % 1000))
            inputs.append(id)
            inputs.append(id.lowercased())
            inputs.append(String(id.dropLast()) + String("0123456789Xx".randomElement(using: &generator)!))
            var bytes = Array(id.utf8)
            bytes[Int.random(in: 0..<17, using: &generator)] = UInt8.random(in: 0x2F...0x3A, using: &generator)
            inputs.append(String(decoding: bytes, as: UTF8.self))
        }
        var fast = 0
        for text in inputs {
            let reference: UInt64? = (try? ResidentID.validate(text)).map { id in id.utf8.prefix(17).reduce(0) { $0 * 10 + UInt64($1 - 0x30) } }
            let packed = ResidentIdentity.packedIfPlain(text)
            if let packed {
                fast += 1
                #expect(packed == reference, "\(text)")
            }
            #expect((try? ResidentIdentity(validating: text))?.digits == reference, "\(text)")
        }
        #expect(fast > 3000)  // the fast path is taken for the plainly written valid IDs
    }
}
