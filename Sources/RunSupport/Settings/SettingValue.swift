import Foundation

/// A value one setting holds: read from a YAML config, a `--set key=value` override or a
/// command-line option, and written back into the printed config and `commands.sh`.
public protocol SettingValue: Codable, Equatable {
    /// Reads the value as a command-line option spells it (`256`, `0.5`, `resnet18`, `0.5,0.5,0.5`).
    init?(commandLineText: String)
    /// The value as a command-line option spells it; `init(commandLineText:)` reads it back.
    var commandLineText: String { get }
    /// The numbers a `SettingRange` checks (none for words).
    var rangeValues: [Double] { get }
    /// What a value must look like, for the error on one that cannot be read.
    static var expected: String { get }
}

extension SettingValue {
    public static var expected: String { "a \(Self.self)" }
}

extension SettingValue where Self: CaseIterable & RawRepresentable, RawValue == String {
    public static var expected: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
}

extension Int: SettingValue {
    public init?(commandLineText: String) { self.init(commandLineText) }
    public var commandLineText: String { "\(self)" }
    public var rangeValues: [Double] { [Double(self)] }
}

extension UInt64: SettingValue {
    public init?(commandLineText: String) { self.init(commandLineText) }
    public var commandLineText: String { "\(self)" }
    public var rangeValues: [Double] { [Double(self)] }
}

extension Double: SettingValue {
    public init?(commandLineText: String) { self.init(commandLineText) }
    public var commandLineText: String { "\(self)" }
    public var rangeValues: [Double] { [self] }
}

extension Float: SettingValue {
    public init?(commandLineText: String) { self.init(commandLineText) }
    public var commandLineText: String { "\(self)" }
    public var rangeValues: [Double] { [Double(self)] }
}

extension Bool: SettingValue {
    public init?(commandLineText: String) { self.init(commandLineText) }
    public var commandLineText: String { "\(self)" }
    public var rangeValues: [Double] { [] }
}

extension String: SettingValue {
    public init?(commandLineText: String) { self = commandLineText }
    public var commandLineText: String { self }
    public var rangeValues: [Double] { [] }
}

/// Per-channel values (normalisation mean and std): a YAML list, or comma-separated on the
/// command line (`--mean 0.5,0.5,0.5`).
extension Array: SettingValue where Element == Float {
    public init?(commandLineText: String) {
        let values = commandLineText.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, !values.contains(nil) else { return nil }
        self = values.compactMap { $0 }
    }

    public var commandLineText: String { map { "\($0)" }.joined(separator: ",") }
    public var rangeValues: [Double] { map(Double.init) }
}

/// Named choices (backbone, colormap, ...) are spelt by their raw value everywhere.
extension SettingValue where Self: RawRepresentable, RawValue == String {
    public init?(commandLineText: String) { self.init(rawValue: commandLineText) }
    public var commandLineText: String { rawValue }
    public var rangeValues: [Double] { [] }
}
