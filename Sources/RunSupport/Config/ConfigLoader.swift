import Foundation
import Yams

/// Errors from reading a YAML config or applying command-line overrides.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidYAML(source: String, reason: String)
    case unknownKey(key: String, source: String, known: [String])
    case malformedOverride(String)
    case invalidValue(source: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read config (\(reason))"
        case let .invalidYAML(source, reason):
            return "\(source): not valid YAML (\(reason))"
        case let .unknownKey(key, source, known):
            return "\(source): unknown config key '\(key)' (known here: \(known.joined(separator: ", ")))"
        case .malformedOverride(let text):
            return "override '\(text)' is not of the form key.path=value"
        case let .invalidValue(source, reason):
            return "\(source): \(reason)"
        }
    }
}

/// Loads a `Codable` configuration in three layers: built-in defaults, then a YAML file, then
/// `key.path=value` overrides from the command line.
///
/// Every key of the file and of the overrides must exist in the defaults, so a misspelt key is an
/// error rather than silently ignored. Mappings merge key by key; scalars and lists replace.
/// Override values are parsed as YAML scalars (`0.001`, `true`, `[3, 7]`, `adam`).
public enum ConfigLoader {
    public static func load<Config: Codable>(
        defaults: Config, file: URL? = nil, overrides: [String] = []
    ) throws -> Config {
        var tree = try node(of: defaults)
        if let file {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw ConfigError.unreadable(path: file.path, reason: error.localizedDescription)
            }
            let overlay: Node?
            do {
                overlay = try Yams.compose(yaml: text)
            } catch {
                throw ConfigError.invalidYAML(source: file.path, reason: oneLine(error))
            }
            if let overlay {
                tree = try merge(overlay, into: tree, source: file.lastPathComponent, path: [])
            }
        }
        for override in overrides {
            tree = try apply(override: override, to: tree)
        }
        do {
            return try YAMLDecoder().decode(Config.self, from: tree)
        } catch let error as DecodingError {
            throw ConfigError.invalidValue(source: file?.lastPathComponent ?? "config", reason: describe(error))
        }
    }

    /// Yams' message on one line: its position and problem, without the quoted excerpt and caret
    /// it appends on further lines.
    static func oneLine(_ error: Error) -> String {
        let lines = "\(error)".split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.prefix(2).map { $0.hasSuffix(":") ? String($0.dropLast()) : $0 }.joined(separator: "; ")
    }

    /// The YAML text of a configuration, e.g. to record the effective settings of a run.
    public static func yaml<Config: Encodable>(_ config: Config) throws -> String {
        try YAMLEncoder().encode(config)
    }

    private static func node<Config: Encodable>(of value: Config) throws -> Node {
        guard let node = try Yams.compose(yaml: try yaml(value)) else {
            throw ConfigError.invalidValue(source: "defaults", reason: "empty default configuration")
        }
        return node
    }

    private static func merge(_ overlay: Node, into base: Node, source: String, path: [String]) throws -> Node {
        guard let overlayMapping = overlay.mapping, var baseMapping = base.mapping else {
            return overlay
        }
        for (keyNode, value) in overlayMapping {
            let key = keyNode.string ?? "\(keyNode)"
            guard let existing = baseMapping[key] else {
                let known = Array(baseMapping.keys.compactMap(\.string).map { (path + [$0]).joined(separator: ".") })
                throw ConfigError.unknownKey(key: (path + [key]).joined(separator: "."), source: source, known: known)
            }
            baseMapping[key] = try merge(value, into: existing, source: source, path: path + [key])
        }
        return .mapping(baseMapping)
    }

    private static func apply(override: String, to tree: Node) throws -> Node {
        guard let equals = override.firstIndex(of: "=") else { throw ConfigError.malformedOverride(override) }
        let keys = override[..<equals].split(separator: ".").map(String.init)
        let valueText = String(override[override.index(after: equals)...])
        guard !keys.isEmpty, !valueText.isEmpty else { throw ConfigError.malformedOverride(override) }
        let value: Node
        do {
            value = try Yams.compose(yaml: valueText) ?? Node(valueText)
        } catch {
            throw ConfigError.malformedOverride(override)
        }
        var overlay = value
        for key in keys.reversed() {
            overlay = .mapping(Node.Mapping([(Node(key), overlay)]))
        }
        return try merge(overlay, into: tree, source: "command line", path: [])
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .typeMismatch(_, context), let .valueNotFound(_, context),
             let .keyNotFound(_, context), let .dataCorrupted(context):
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            return key.isEmpty ? context.debugDescription : "key '\(key)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
