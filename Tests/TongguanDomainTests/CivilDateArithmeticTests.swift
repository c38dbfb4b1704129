import Testing

@testable import TongguanDomain

@Suite("CivilDate months, whole years and weekdays")
struct CivilDateArithmeticTests {
    func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    @Test("months are counted to the day, clamped to the month's last day")
    func months() {
        #expect(d("2022-06-28").adding(months: 6) == d("2022-12-28"))
        #expect(d("2022-08-31").adding(months: 6) == d("2023-02-28"))
        #expect(d("2023-08-31").adding(months: 6) == d("2024-02-29"))
        #expect(d("2022-12-31").adding(months: 1) == d("2023-01-31"))
        #expect(d("2022-01-31").adding(months: 1) == d("2022-02-28"))
        #expect(d("2022-03-15").adding(months: -3) == d("2021-12-15"))
        #expect(d("2022-03-15").adding(months: 0) == d("2022-03-15"))
        #expect(d("2022-03-15").adding(months: 24) == d("2024-03-15"))
    }

    @Test("whole years change on the birthday, not before")
    func years() {
        #expect(d("2010-03-01").wholeYears(until: d("2016-02-29")) == 5)
        #expect(d("2010-03-01").wholeYears(until: d("2016-03-01")) == 6)
        #expect(d("2008-02-29").wholeYears(until: d("2014-02-28")) == 5)
        #expect(d("2008-02-29").wholeYears(until: d("2014-03-01")) == 6)
        #expect(d("2008-02-29").wholeYears(until: d("2016-02-29")) == 8)
        #expect(d("2020-05-05").wholeYears(until: d("2020-05-04")) == -1)
        #expect(d("2020-05-05").wholeYears(until: d("2020-05-05")) == 0)
    }

    @Test("ISO weekdays, Monday 1 to Sunday 7")
    func weekdays() {
        #expect(d("1970-01-01").isoWeekday == 4)
        #expect(d("2026-11-29").isoWeekday == 7)
        #expect(d("2026-11-30").isoWeekday == 1)
        #expect(d("1969-12-31").isoWeekday == 3)
        #expect(d("2024-02-29").isoWeekday == 4)
        #expect(d("2021-07-16").firstOfMonth == d("2021-07-01"))
    }
}
