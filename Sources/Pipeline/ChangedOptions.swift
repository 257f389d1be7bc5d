/// The command-line options of a stage that differ from the command's own defaults: what the
/// pipeline prints as the plain command redoing that stage.
struct ChangedOptions {
    private(set) var arguments: [String]

    /// Options starting with `arguments` (always given).
    init(_ arguments: [String] = []) {
        self.arguments = arguments
    }

    /// Appends `flag` and `text` (default: the value as written by `"\(value)"`) when `value`
    /// differs from `fallback`.
    mutating func add<Value: Equatable>(_ value: Value, _ fallback: Value, _ flag: String, _ text: String? = nil) {
        if value != fallback { arguments += [flag, text ?? "\(value)"] }
    }

    /// Appends `flag` and `text` unconditionally.
    mutating func add(_ flag: String, _ text: String) {
        arguments += [flag, text]
    }
}
