import ArgumentParser
import RunSupport

/// The parsed value of an `@Option` or `@Flag`, whatever its type.
protocol ParsedOptionValue {
    var parsedValue: Any { get }
}

extension Option: ParsedOptionValue {
    var parsedValue: Any { wrappedValue }
}

extension Flag: ParsedOptionValue {
    var parsedValue: Any { wrappedValue }
}

extension ArgumentHelp {
    /// The help of `settings`' key `key`: the one text `--help`, docs/cli.md and
    /// docs/configuration.md show for it; `showingDefault` appends the default, for an optional
    /// option (one that leaves a config file's value alone when not given).
    static func setting<Settings: StageSettings>(_ settings: Settings.Type, _ key: String, valueName: String? = nil,
                                                 showingDefault: Bool = false) -> ArgumentHelp {
        ArgumentHelp(Settings.help(key, showingDefault: showingDefault), valueName: valueName)
    }
}

extension StageSettings {
    /// Sets each option of `options` on these settings. Every `@Option` and `@Flag` of the group
    /// is named as the setting's key (`tileSize` is `--tile-size`); an optional left out keeps the
    /// default. Names in `except` are the command's own options, read by the command.
    /// - Throws: `ConfigError` for a value the setting cannot hold.
    mutating func assign(options: some ParsableArguments, except: Set<String> = []) throws {
        for child in Mirror(reflecting: options).children {
            guard let label = child.label, let option = child.value as? ParsedOptionValue else { continue }
            let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
            if except.contains(name) { continue }
            try assign(name, commandLineValue: option.parsedValue)
        }
    }
}

/// `--set` and `--print-settings` of the stage commands: the same overrides `slidemil pipeline`
/// takes for the stage's section, and a way to see the settings a command line stands for.
struct SettingOverrideOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: "Override one setting by its pipeline-config key, e.g. --set tileSize=512 (repeatable; applied after the options).")
    var overrides: [String] = []

    @Flag(name: .customLong("print-settings"), help: "Print the settings as the pipeline config's section (YAML) and exit without running.")
    var printSettings = false

    /// A stage command's settings: `base` (`Settings`' defaults unless given, e.g. read from a
    /// config file) with every option of `groups` set (names in `except` are the command's own),
    /// then `--set`, then `finish` for what the command adds itself; checked.
    /// - Throws: `ValidationError` naming the first bad value.
    func settings<Settings: StageSettings>(from groups: [any ParsableArguments], except: Set<String> = [],
                                           base: Settings = Settings(),
                                           finish: (inout Settings) throws -> Void = { _ in }) throws -> Settings {
        do {
            var settings = base
            for group in groups { try settings.assign(options: group, except: except) }
            settings = try settings.applying(overrides: overrides)
            try finish(&settings)
            try settings.validate()
            return settings
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Prints `settings` as YAML when `--print-settings` is given; whether it did.
    func printed<Settings: StageSettings>(_ settings: Settings) throws -> Bool {
        guard printSettings else { return false }
        print(try ConfigLoader.yaml([Settings.section: settings]), terminator: "")
        return true
    }
}
