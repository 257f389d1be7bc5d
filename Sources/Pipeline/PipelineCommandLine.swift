/// One plain `slidemil` command, as a user would type it to rerun a stage alone.
public struct PipelineCommandLine: Equatable, Sendable, CustomStringConvertible {
    /// The arguments after `slidemil`, unquoted.
    public var arguments: [String]

    /// `slidemil` with these arguments.
    public init(_ arguments: [String]) { self.arguments = arguments }

    /// The command as a POSIX shell line: arguments holding anything but letters, digits and
    /// `-_./,=:+@%` are single-quoted.
    public var description: String {
        (["slidemil"] + arguments).map(Self.quoted).joined(separator: " ")
    }

    static func quoted(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./,=:+@%".unicodeScalars.contains($0)
        }
        return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
