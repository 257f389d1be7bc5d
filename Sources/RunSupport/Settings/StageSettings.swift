import Foundation

/// A stage's settings: one `Codable` type that is at once the pipeline config's section, the
/// source of the stage command's option defaults and help, the target of `--set key=value`, and
/// what the stage's library code receives.
///
/// Its `keys` table declares each setting once (key, help, range, field); YAML reading and
/// writing, range checks and the plain command lines of `commands.sh` all come from that table.
/// Adding a setting is a field with its default and one `SettingKey` row (plus, when it is a
/// command-line option, an `@Option` of the same name in the command's options).
public protocol StageSettings: Codable, Equatable {
    /// The defaults.
    init()
    /// The section's name in the pipeline config, e.g. `tile`.
    static var section: String { get }
    /// Every setting, in the order of the command's help and of `commands.sh`.
    static var keys: [SettingKey<Self>] { get }
    /// Checks the settings before any work: `checkRanges()` and whatever ties settings together.
    func validate() throws
}

extension StageSettings {
    /// Reads the section's keys over the defaults; keys not given keep their defaults.
    public init(from decoder: Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: SettingCodingKey.self)
        for key in Self.keys where key.place != .commandLineOnly { try key.decode(container, &self) }
    }

    /// Writes every key of the section (so the printed config lists them all); keys with dots
    /// go into nested sections, in `keys` order.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: SettingCodingKey.self)
        try encode(Self.keys.filter { $0.place != .commandLineOnly }.map { ($0.path[...], $0) }, into: &container)
    }

    /// Writes `keys` (each with its path below `container`'s level): leaves at this level, the
    /// rest into one nested section per first path component.
    private func encode(_ keys: [(path: ArraySlice<String>, key: SettingKey<Self>)],
                        into container: inout KeyedEncodingContainer<SettingCodingKey>) throws {
        var written: Set<String> = []
        for (path, key) in keys {
            guard let head = path.first else { continue }
            if path.count == 1 {
                try key.encode(self, &container)
            } else if written.insert(head).inserted {
                var nested = container.nestedContainer(keyedBy: SettingCodingKey.self, forKey: SettingCodingKey(head))
                try encode(keys.filter { $0.path.first == head && $0.path.count > 1 }.map { ($0.path.dropFirst(), $0.key) }, into: &nested)
            }
        }
    }

    /// The key called `name`.
    public static func key(_ name: String) -> SettingKey<Self>? { keys.first { $0.name == name } }

    /// The help of the key called `name`, for a command's `@Option`; with the default appended
    /// when `showingDefault` (for an optional option, whose default the parser cannot show).
    public static func help(_ name: String, showingDefault: Bool = false) -> String {
        guard let key = key(name) else { preconditionFailure("\(section) has no setting '\(name)'") }
        return showingDefault ? "\(key.help) (default: \(key.valueText(of: Self())))" : key.help
    }

    /// Checks every number against its key's documented range (non-finite values never pass).
    /// - Throws: `SettingRangeError` naming the first key outside its range.
    public func checkRanges() throws {
        for key in Self.keys {
            guard let range = key.range else { continue }
            for value in key.numbers(self) { try range.check(key.label, value) }
        }
    }

    /// The options of the stage's command that give these settings: those that differ from the
    /// defaults (and those always printed), in `keys` order.
    public func commandArguments() -> [String] {
        let defaults = Self()
        return Self.keys.flatMap { $0.commandArguments(self, defaults: defaults) }
    }

    /// Sets the key whose option property is called `name` from a parsed command-line option's
    /// value (`nil` leaves it).
    /// - Throws: `ConfigError.unknownKey` for a name that is no option's, `ConfigError.invalidValue`
    ///   for a value the key cannot read.
    public mutating func assign(_ name: String, commandLineValue value: Any) throws {
        let options = Self.keys.filter { $0.place == .everywhere || $0.place == .commandLineOnly }
        guard let key = options.first(where: { $0.optionName == name }) else {
            throw ConfigError.unknownKey(key: name, source: "\(Self.section) options", known: options.map(\.optionName))
        }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return }
            try key.assign(&self, wrapped)
        } else {
            try key.assign(&self, value)
        }
    }

    /// These settings with `key=value` overrides applied; a key may carry the section's prefix
    /// (`tile.tileSize=512` as in the pipeline config, or `tileSize=512`). What no config key
    /// holds (command-line-only settings) is kept.
    /// - Throws: `ConfigError` for unknown keys and bad values.
    public func applying(overrides: [String]) throws -> Self {
        guard !overrides.isEmpty else { return self }
        let prefix = Self.section + "."
        let local = overrides.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
        let loaded = try ConfigLoader.load(defaults: self, overrides: local)
        var result = self
        for key in Self.keys where key.place != .commandLineOnly { key.transfer(loaded, &result) }
        return result
    }
}
