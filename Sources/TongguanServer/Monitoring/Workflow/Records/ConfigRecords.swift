import Fluent
import Foundation
import TongguanDomain

/// One row of the monitoring-line table: the line a division (and everything inside it) uses
/// for a year, in 分. `division_code` is a full 6-, 9-digit code (`140000` for the province);
/// the API shows its significant prefix (`14`).
final class MonitoringLineRecord: Model, @unchecked Sendable {
    static let schema = "monitoring_lines"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Field(key: "division_code")
    var divisionCode: String

    @Field(key: "year")
    var year: Int

    @Field(key: "line_fen")
    var lineFen: Int64

    init() {}

    init(_ line: MonitoringLine) {
        divisionCode = line.division.rawValue
        year = line.year
        lineFen = line.lineFen
    }

    var line: MonitoringLine? {
        DivisionCode(divisionCode).map { MonitoringLine(division: $0, year: year, lineFen: lineFen) }
    }
}

/// One division's own monitoring settings; a nil field inherits from the enclosing divisions
/// and finally the defaults (`MonitoringSettings.resolve`). Factors and fractions in ‰.
final class MonitoringSettingsRecord: Model, @unchecked Sendable {
    static let schema = "monitoring_settings"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Field(key: "division_code")
    var divisionCode: String

    @OptionalField(key: "near_line_factor")
    var nearLineFactor: Int64?

    @OptionalField(key: "income_drop_fraction")
    var incomeDropFraction: Int64?

    @OptionalField(key: "large_expense_fraction")
    var largeExpenseFraction: Int64?

    @OptionalField(key: "notice_period_days")
    var noticePeriodDays: Int?

    @OptionalField(key: "minimum_monitoring_months")
    var minimumMonitoringMonths: Int?

    init() {}

    func apply(_ o: MonitoringSettingsOverride) {
        divisionCode = o.division.rawValue
        nearLineFactor = o.nearLineFactor?.value
        incomeDropFraction = o.incomeDropFraction?.value
        largeExpenseFraction = o.largeExpenseFraction?.value
        noticePeriodDays = o.noticePeriodDays
        minimumMonitoringMonths = o.minimumMonitoringMonths
    }

    var override: MonitoringSettingsOverride? {
        guard let division = DivisionCode(divisionCode) else { return nil }
        return MonitoringSettingsOverride(
            division: division, nearLineFactor: nearLineFactor.map(MonitoringSettings.Permille.init),
            incomeDropFraction: incomeDropFraction.map(MonitoringSettings.Permille.init),
            largeExpenseFraction: largeExpenseFraction.map(MonitoringSettings.Permille.init),
            noticePeriodDays: noticePeriodDays, minimumMonitoringMonths: minimumMonitoringMonths)
    }
}
