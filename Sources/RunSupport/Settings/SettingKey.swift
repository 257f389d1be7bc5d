import Foundation

/// One setting of a stage's settings type, declared once in its `keys` table: the key in the
/// pipeline config's section, which is also the command-line option's name (in kebab case:
/// `tileSize` is `--tile-size`) and the `--set` key; the help text both show; the documented
/// range; and the field of the settings type it reads and writes.
public struct SettingKey<Settings: StageSettings> {
    /// Where a setting can be given.
    public enum Place: Sendable {
        /// In the config section, `--set` and as a command-line option.
        case everywhere
        /// Only in the config section and `--set` (e.g. the pipeline's `heatmap.slides`).
        case configOnly
        /// Only as a command-line option (e.g. `extract --max-tiles`).
        case commandLineOnly
    }

    /// The key in the config section (camel case), e.g. `tileSize`.
    public let name: String
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
                                     alwaysPrinted: Bool = false, unset: Value? = nil,
                                     get: @escaping (Settings) -> Value, set: @escaping (inout Settings, Value) -> Void) {
        self.name = name
        self.help = help
        self.range = range
        self.place = place
        self.alwaysPrinted = alwaysPrinted
        self.isFlag = Value.self == Bool.self
        let codingKey = SettingCodingKey(name)
        decode = { container, settings in
            if let value = try container.decodeIfPresent(Value.self, forKey: codingKey) { set(&settings, value) }
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
                throw ConfigError.invalidValue(source: "command line", reason: "--\(SettingCodingKey.optionName(name)) must be \(Value.expected), not '\(given)'")
            }
        }
    }

    /// A setting stored as it is written, at `path`.
    public init<Value: SettingValue>(_ name: String, _ path: WritableKeyPath<Settings, Value>, _ help: String, range: SettingRange? = nil,
                                     place: Place = .everywhere) {
        self.init(name, help, range: range, place: place, get: { $0[keyPath: path] }, set: { $0[keyPath: path] = $1 })
    }

    /// The value `settings` hold for this key, as the command line and docs spell it.
    public func valueText(of settings: Settings) -> String { text(settings) }

    /// The command-line option, e.g. `--tile-size`.
    public var option: String { "--" + SettingCodingKey.optionName(name) }

    /// How errors name it: `tile.tileSize (--tile-size)`, `heatmap.slides`, or `--max-tiles`.
    public var label: String {
        switch place {
        case .everywhere: return "\(Settings.section).\(name) (\(option))"
        case .configOnly: return "\(Settings.section).\(name)"
        case .commandLineOnly: return option
        }
    }

    /// The words `commands.sh` needs to give `settings`' value: none at the default (unless
    /// `alwaysPrinted`), the bare flag for a flag that is on, else the option and the value.
    func commandArguments(_ settings: Settings, defaults: Settings) -> [String] {
        guard place != .configOnly, alwaysPrinted || differs(settings, defaults) else { return [] }
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
