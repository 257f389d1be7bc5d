import Foundation

/// One setting of a stage's settings type, declared once in its `keys` table: the key in the
/// pipeline config's section, which is also the command-line option's name (in kebab case:
/// `tileSize` is `--tile-size`) and the `--set` key; the help text both show; the documented
/// range; and the field of the settings type it reads and writes. A key with dots
/// (`training.epochs`) is nested in the YAML section (`training:` then `epochs:`); its option
/// is named by `optionName` (`epochs` is `--epochs`).
public struct SettingKey<Settings: StageSettings> {
    /// Where a setting can be given.
    public enum Place: Sendable {
        /// In the config section, `--set` and as a command-line option.
        case everywhere
        /// Only in the config section and `--set` (e.g. the pipeline's `heatmap.slides`).
        case configOnly
        /// Only as a command-line option (e.g. `extract --max-tiles`).
        case commandLineOnly
        /// In the config section and `--set`, which the stage command also takes: `commands.sh`
        /// gives it as `--set key=value` (train's settings without an option of their own).
        case configAndSet
    }

    /// The key in the config section (camel case), e.g. `tileSize`, or its path in nested
    /// sections, e.g. `training.epochs`.
    public let name: String
    /// The name of the command-line option's property (camel case), e.g. `epochs` for
    /// `training.epochs`; the key itself unless given.
    public let optionName: String
    /// One sentence for `--help` and docs/configuration.md, with the unit.
    public let help: String
    /// The documented range of every number the value holds, checked by `checkRanges()`.
    public let range: SettingRange?
    /// Where it can be given.
    public let place: Place
    /// Printed in `commands.sh` even at its default (a command-line option that must be given).
    public let alwaysPrinted: Bool
    /// Whether the command line takes it as a flag without a value (`--exact-resampling`).
    public let isFlag: Bool

    let decode: (KeyedDecodingContainer<SettingCodingKey>, inout Settings) throws -> Void
    let encode: (Settings, inout KeyedEncodingContainer<SettingCodingKey>) throws -> Void
    let text: (Settings) -> String
    let numbers: (Settings) -> [Double]
    let differs: (Settings, Settings) -> Bool
    let assign: (inout Settings, Any) throws -> Void
    let transfer: (Settings, inout Settings) -> Void

    /// A setting read and written through `get` and `set`, for fields whose YAML form differs from
    /// the library's (an enum case, an optional written as `unset`). `unset` is a value meaning
    /// "not given" (e.g. 0 for "from the slide"), never range-checked.
    public init<Value: SettingValue>(_ name: String, _ help: String, range: SettingRange? = nil, place: Place = .everywhere,
                                     option: String? = nil, alwaysPrinted: Bool = false, unset: Value? = nil,
                                     get: @escaping (Settings) -> Value, set: @escaping (inout Settings, Value) -> Void) {
        self.name = name
        self.optionName = option ?? name
        self.help = help
        self.range = range
        self.place = place
        self.alwaysPrinted = alwaysPrinted
        self.isFlag = Value.self == Bool.self
        let path = name.split(separator: ".").map(String.init)
        let codingKey = SettingCodingKey(path.last ?? name)
        decode = { container, settings in
            var level = container
            for part in path.dropLast() {
                guard level.contains(SettingCodingKey(part)) else { return }
                level = try level.nestedContainer(keyedBy: SettingCodingKey.self, forKey: SettingCodingKey(part))
            }
            if let value = try level.decodeIfPresent(Value.self, forKey: codingKey) { set(&settings, value) }
        }
        encode = { settings, container in try container.encode(get(settings), forKey: codingKey) }
        text = { get($0).commandLineText }
        numbers = { settings in
            let value = get(settings)
            return value == unset ? [] : value.rangeValues
        }
        differs = { get($0) != get($1) }
        transfer = { source, target in set(&target, get(source)) }
        assign = { settings, given in
            if let value = given as? Value {
                set(&settings, value)
            } else if let value = Value(commandLineText: "\(given)") {
                set(&settings, value)
            } else {
                throw ConfigError.invalidValue(source: "command line", reason: "--\(SettingCodingKey.optionName(option ?? name)) must be \(Value.expected), not '\(given)'")
            }
        }
    }

    /// A setting stored as it is written, at `path`.
    public init<Value: SettingValue>(_ name: String, _ path: WritableKeyPath<Settings, Value>, _ help: String, range: SettingRange? = nil,
                                     place: Place = .everywhere, option: String? = nil) {
        self.init(name, help, range: range, place: place, option: option, get: { $0[keyPath: path] }, set: { $0[keyPath: path] = $1 })
    }

    /// The key's path in the nested YAML section: `["training", "epochs"]` for `training.epochs`.
    var path: [String] { name.split(separator: ".").map(String.init) }

    /// The value `settings` hold for this key, as the command line and docs spell it.
    public func valueText(of settings: Settings) -> String { text(settings) }

    /// The command-line option, e.g. `--tile-size`.
    public var option: String { "--" + SettingCodingKey.optionName(optionName) }

    /// How errors name it: `tile.tileSize (--tile-size)`, `heatmap.slides`, or `--max-tiles`.
    public var label: String {
        switch place {
        case .everywhere: return "\(Settings.section).\(name) (\(option))"
        case .configOnly, .configAndSet: return "\(Settings.section).\(name)"
        case .commandLineOnly: return option
        }
    }

    /// The words `commands.sh` needs to give `settings`' value: none at the default (unless
    /// `alwaysPrinted`), the bare flag for a flag that is on, `--set key=value` for a key without
    /// an option, else the option and the value.
    func commandArguments(_ settings: Settings, defaults: Settings) -> [String] {
        guard place != .configOnly, alwaysPrinted || differs(settings, defaults) else { return [] }
        if place == .configAndSet { return ["--set", "\(name)=\(text(settings))"] }
        if isFlag { return text(settings) == "true" ? [option] : [] }
        return [option, text(settings)]
    }
}

/// A key of a settings section in YAML.
public struct SettingCodingKey: CodingKey {
    public let stringValue: String
    public var intValue: Int? { nil }

    public init(_ name: String) { stringValue = name }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }

    /// `tileSize` → `tile-size`: how the command line spells a key (swift-argument-parser's rule
    /// for a property of that name).
    public static func optionName(_ key: String) -> String {
        key.reduce(into: "") { result, character in
            if character.isUppercase { result += "-" + character.lowercased() } else { result.append(character) }
        }
    }
}
