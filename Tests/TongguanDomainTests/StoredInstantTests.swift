import Foundation
import Testing

@testable import TongguanDomain

@Suite("StoredInstant")
struct StoredInstantTests {
    @Test(
        "fixed format yyyy-MM-ddTHH:mm:ss.SSSZ in UTC",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z"),
            (0.5, "1970-01-01T00:00:00.500Z"),
            (0.25, "1970-01-01T00:00:00.250Z"),
            (1.0, "1970-01-01T00:00:01.000Z"),
            (86_399.0, "1970-01-01T23:59:59.000Z"),
            (951_782_400.0, "2000-02-29T00:00:00.000Z"),
            (951_868_799.999, "2000-02-29T23:59:59.999Z"),
            (1_714_521_600.0, "2024-05-01T00:00:00.000Z"),
            (1_714_555_200.5, "2024-05-01T09:20:00.500Z"),
            (1_700_000_000.001, "2023-11-14T22:13:20.001Z"),
            (1_735_689_599.999, "2024-12-31T23:59:59.999Z"),
            (1_735_689_600.0, "2025-01-01T00:00:00.000Z"),
            (2_147_483_647.0, "2038-01-19T03:14:07.000Z"),
            (2_147_483_648.25, "2038-01-19T03:14:08.250Z"),
            (4_102_444_800.0, "2100-01-01T00:00:00.000Z"),
            (253_402_300_799.999, "9999-12-31T23:59:59.999Z"),
        ])
    func format(_ seconds: TimeInterval, _ text: String) {
        #expect(StoredInstant.string(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test(
        "milliseconds are truncated, never rounded up",
        arguments: [
            (0.1234, ".123Z"), (0.9996, ".999Z"), (0.0005, ".000Z"), (0.5009, ".500Z"), (0.9999, ".999Z"),
        ])
    func truncation(_ fraction: TimeInterval, _ suffix: String) {
        let text = StoredInstant.string(Date(timeIntervalSince1970: 1_714_521_600 + fraction))
        #expect(text == "2024-05-01T00:00:00" + suffix)
    }

    @Test("a whole-millisecond instant of today formats to exactly that millisecond")
    func everyMillisecond() {
        for ms in 0..<1000 {
            let date = Date(timeIntervalSince1970: 1_714_521_600 + Double(ms) / 1000)
            let expected = "2024-05-01T00:00:00." + String(repeating: "0", count: 3 - String(ms).count) + String(ms) + "Z"
            #expect(StoredInstant.string(date) == expected)
        }
    }

    @Test("always 24 characters with fixed separators")
    func shape() {
        for seconds in stride(from: 0.0, to: 4_000_000_000.0, by: 123_456_789.123) {
            let text = StoredInstant.string(Date(timeIntervalSince1970: seconds))
            #expect(text.count == 24)
            let chars = Array(text)
            #expect(
                chars[4] == "-" && chars[7] == "-" && chars[10] == "T" && chars[13] == ":"
                    && chars[16] == ":" && chars[19] == "." && chars[23] == "Z")
        }
    }

    @Test("text order is time order")
    func ordering() {
        let seconds: [TimeInterval] = [
            0, 0.25, 0.5, 1, 9.5, 10, 60, 3600, 86_400,
            951_782_400, 1_000_000_000, 1_000_000_000.001, 1_000_000_000.01, 1_000_000_000.1,
            1_000_000_000.999, 1_000_000_001, 1_714_521_599.999, 1_714_521_600, 1_714_521_600.001,
            1_735_689_599.999, 1_735_689_600, 4_102_444_800,
        ]
        let texts = seconds.map { StoredInstant.string(Date(timeIntervalSince1970: $0)) }
        #expect(texts == texts.sorted())
        #expect(Set(texts).count == texts.count)
        #expect(texts.shuffled().sorted() == texts)
    }

    @Test("agrees with ISO8601DateFormatter with fractional seconds")
    func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        for seconds in [0.0, 1_714_555_200.5, 1_700_000_000.25, 951_782_400.0] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredInstant.string(date) == formatter.string(from: date))
        }
    }

    // Regression (found by this suite, fixed): (Audit/StoredInstant.swift:6-13): for instants before 1970 that are not whole
    // seconds, `millis / 1000` truncates toward zero and `millis % 1000` is negative, giving
    // e.g. "1970-01-01T00:00:00.-500Z" for -0.5 s. Correct: floor division and a 0...999 remainder.
    // (Audit events are stamped with "now", so this only matters if the function is reused.)
    @Test(
        "instants before 1970 format correctly",
        arguments: [
            (-1.0, "1969-12-31T23:59:59.000Z"),
            (-0.5, "1969-12-31T23:59:59.500Z"),
            (-1.5, "1969-12-31T23:59:58.500Z"),
            (-0.25, "1969-12-31T23:59:59.750Z"),
            (-86_400.0, "1969-12-31T00:00:00.000Z"),
        ])
    func beforeEpoch(_ seconds: TimeInterval, _ text: String) {
        #expect(StoredInstant.string(Date(timeIntervalSince1970: seconds)) == text)
    }
}
