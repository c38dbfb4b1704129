/// An exact decimal number, `units × 10^-scale`: what an indicator value, a ratio or a
/// change percentage is. No binary floating point is ever involved, so 0.1 + 0.2 is 0.3 and
/// a figure in a briefing is exactly the figure that was entered or counted.
///
/// - `units` is a signed 64-bit integer (never `Int64.min`, so every value can be negated);
///   `scale` is 0...12 decimals. Money is handled as whole 分 (scale 0).
/// - Text form (API, import, JSON strings) is plain positional decimal: an optional sign,
///   digits, and optionally a point followed by digits: `12.5`, `-3`, `+0.25`, `007`.
///   Refused: exponents (`1e3`: a person never types one, and a spreadsheet's are turned
///   into positional text by `SheetCell`), thousands separators, a bare point (`.5`, `5.`),
///   more than 12 decimals, and magnitudes that do not fit.
/// - Equality, hashing and ordering are by value: `1.50 == 1.5`.
/// - `description` is the shortest exact text (`1.5`, `0`, `-3`); `text(decimals:)` rounds
///   half-up (away from zero) to a fixed number of decimals for display.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let units: Int64
    public let scale: Int

    public static let maxScale = 12
    public static let zero = ExactDecimal(0)
    public static let one = ExactDecimal(1)
    public static let hundred = ExactDecimal(100)

    public enum Problem: Error, Equatable, Sendable {
        case notANumber
        case tooManyDecimals
        case outOfRange
        case divisionByZero

        public var message: String {
            switch self {
            case .notANumber: "数值格式不正确,应写作如 12.5、-3 或 0.25 的十进制数(不用千分位或科学计数法)"
            case .tooManyDecimals: "数值最多保留\(ExactDecimal.maxScale)位小数"
            case .outOfRange: "数值超出可精确计算的范围"
            case .divisionByZero: "除数为0,无法计算"
            }
        }
    }

    /// A whole number. `Int64.min` is clamped away (it has no negation).
    public init(_ integer: Int64) {
        units = integer == .min ? -.max : integer
        scale = 0
    }

    public init(_ integer: Int) { self.init(Int64(integer)) }

    /// `units × 10^-scale`; nil for a scale outside 0...12 or `Int64.min` units.
    public init?(units: Int64, scale: Int) {
        guard (0...ExactDecimal.maxScale).contains(scale), units != .min else { return nil }
        self.units = units
        self.scale = scale
    }

    /// Internal: callers guarantee the invariants.
    init(checkedUnits units: Int64, scale: Int) {
        self.units = units
        self.scale = scale
    }

    /// Parses the text form described on the type; surrounding white space is ignored.
    public init(_ raw: String) throws(Problem) {
        let text = TextPolicy.trimmed(raw)
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        let isDigit = { (c: UInt8) in c >= 0x30 && c <= 0x39 }
        let whole = utf8.prefix(while: isDigit)
        var rest = utf8.dropFirst(whole.count)
        var fraction = rest.prefix(0)
        if let point = rest.first, point == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            fraction = rest.prefix(while: isDigit)
            rest = rest.dropFirst(fraction.count)
            guard !fraction.isEmpty else { throw .notANumber }
        }
        guard !whole.isEmpty, rest.isEmpty else { throw .notANumber }
        guard fraction.count <= ExactDecimal.maxScale else { throw .tooManyDecimals }
        var magnitude: UInt64 = 0
        for digit in Array(whole) + Array(fraction) {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(UInt64(digit - 0x30))
            guard !o1, !o2, next <= UInt64(Int64.max) else { throw .outOfRange }
            magnitude = next
        }
        units = negative ? -Int64(magnitude) : Int64(magnitude)
        scale = fraction.count
    }

    public var isZero: Bool { units == 0 }
    public var isNegative: Bool { units < 0 }
    /// -1, 0 or 1.
    public var signum: Int { units < 0 ? -1 : (units == 0 ? 0 : 1) }
    public var negated: ExactDecimal { ExactDecimal(checkedUnits: -units, scale: scale) }
    public var magnitude: ExactDecimal { ExactDecimal(checkedUnits: units < 0 ? -units : units, scale: scale) }

    /// The same value with trailing zero decimals removed (`1.50` → `1.5`).
    public var normalized: ExactDecimal {
        var u = units, s = scale
        while s > 0, u % 10 == 0 { u /= 10; s -= 1 }
        return ExactDecimal(checkedUnits: u, scale: s)
    }

    /// True when the value has no fractional part.
    public var isInteger: Bool { normalized.scale == 0 }

    /// The value as a whole number, when it is one.
    public var integerValue: Int64? {
        let n = normalized
        return n.scale == 0 ? n.units : nil
    }

    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let x = a.normalized, y = b.normalized
        return x.units == y.units && x.scale == y.scale
    }

    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.units)
        hasher.combine(n.scale)
    }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let s = max(a.scale, b.scale)
        let x = a.units.multipliedFullWidth(by: Int64(Wide128.powerOfTen(s - a.scale)))
        let y = b.units.multipliedFullWidth(by: Int64(Wide128.powerOfTen(s - b.scale)))
        return (x.high, x.low) < (y.high, y.low)
    }

    public var description: String { ExactDecimal.plain(normalized) }

    /// Rounded half-up (away from zero) to exactly `decimals` decimals: `14.65` → `14.7`
    /// at 1, `2` → `2.00` at 2. Never throws: rounding away decimals cannot overflow and
    /// adding decimals only pads the text.
    public func text(decimals: Int) -> String {
        let places = max(0, decimals)
        if places >= scale {
            let base = ExactDecimal.plain(self)
            let padding = String(repeating: "0", count: places - scale)
            if padding.isEmpty { return base }
            return base + (scale == 0 ? "." : "") + padding
        }
        return ExactDecimal.plain(roundedDown(toScale: places))
    }

    /// Half-up to fewer decimals; cannot overflow since the magnitude only shrinks.
    func roundedDown(toScale target: Int) -> ExactDecimal {
        guard target < scale else { return self }
        let divisor = Wide128.powerOfTen(scale - target)
        let mag = Wide128(units.magnitude).dividedRoundingHalfUp(by: divisor)!.low
        return ExactDecimal(checkedUnits: units < 0 ? -Int64(mag) : Int64(mag), scale: target)
    }

    static func plain(_ value: ExactDecimal) -> String {
        let digits = String(value.units.magnitude)
        let sign = value.units < 0 ? "-" : ""
        guard value.scale > 0 else { return sign + digits }
        let padded = digits.count > value.scale ? digits : String(repeating: "0", count: value.scale - digits.count + 1) + digits
        let cut = padded.index(padded.endIndex, offsetBy: -value.scale)
        return sign + padded[..<cut] + "." + padded[cut...]
    }
}

extension ExactDecimal: Codable {
    /// Integers travel as JSON numbers and everything else as a JSON string of the exact
    /// text, so no client ever parses a fraction through a binary double.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int64.self) {
            self.init(integer)
            return
        }
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "非整数数值须写成字符串,如 \"12.5\"")
        }
        do { try self.init(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let integer = integerValue { try container.encode(integer) } else { try container.encode(description) }
    }
}
