/// The documented range of a numeric setting, checked once where each stage's settings are
/// validated, so the command line, YAML and `--set` all meet the same limits. Non-finite values
/// (`nan`, `inf`) are outside every range.
public struct SettingRange: Sendable, CustomStringConvertible {
    /// Smallest value allowed.
    public let lower: Double
    /// Largest value allowed (or the bound just above the allowed values when `upperOpen`).
    public let upper: Double
    /// Whether `lower` itself is excluded.
    public let lowerOpen: Bool
    /// Whether `upper` itself is excluded.
    public let upperOpen: Bool

    /// `lower...upper`, with either end excluded when asked.
    public init(_ lower: Double, _ upper: Double, lowerOpen: Bool = false, upperOpen: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.lowerOpen = lowerOpen
        self.upperOpen = upperOpen
    }

    /// `0 < x ≤ upper`.
    public static func positive(upTo upper: Double) -> SettingRange { SettingRange(0, upper, lowerOpen: true) }
    /// `0 ≤ x < 1`: probabilities that must leave something (dropout, held-out shares).
    public static let fraction = SettingRange(0, 1, upperOpen: true)
    /// `0 ≤ x ≤ 1`.
    public static let unitInterval = SettingRange(0, 1)

    /// Whether `value` lies inside (always false for NaN and infinities).
    public func contains(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        let aboveLower = lowerOpen ? value > lower : value >= lower
        let belowUpper = upperOpen ? value < upper : value <= upper
        return aboveLower && belowUpper
    }

    /// E.g. `[0, 1)`, `(0, 10]`, `[1, 100000]`.
    public var description: String {
        "\(lowerOpen ? "(" : "[")\(Self.number(lower)), \(Self.number(upper))\(upperOpen ? ")" : "]")"
    }

    /// Throws `SettingRangeError` naming `key`, `value` and the range when `value` is outside.
    public func check(_ key: String, _ value: Double) throws {
        guard contains(value) else { throw SettingRangeError(key: key, value: Self.number(value), range: description) }
    }

    /// `check` for whole-number settings.
    public func check(_ key: String, _ value: Int) throws {
        guard contains(Double(value)) else { throw SettingRangeError(key: key, value: "\(value)", range: description) }
    }

    /// `check` for single-precision settings.
    public func check(_ key: String, _ value: Float) throws {
        guard contains(Double(value)) else { throw SettingRangeError(key: key, value: Self.number(Double(value)), range: description) }
    }

    private static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

/// A setting outside its documented range: one line naming the key, the value and the range.
public struct SettingRangeError: Error, CustomStringConvertible, Equatable {
    /// The setting's YAML key (the command line's option in brackets when it has one).
    public let key: String
    /// The value given, as text.
    public let value: String
    /// The accepted range, e.g. `[0, 1)`.
    public let range: String

    public var description: String { "setting \(key) = \(value) is outside its range \(range)" }
}
