import CTIFFMessages

/// libtiff's process-wide error and warning messages, collected per thread instead of printed.
///
/// libtiff writes messages about handles it did not open with per-handle handlers (OpenSlide's)
/// to stderr, unprefixed ("TIFFFetchNormalTag: ... row 4294967295"), mixed into the run's log.
/// Once `install()` has run they are kept per thread, so the slide read that caused them can
/// attach them to its warnings or its error.
public enum LibTIFFMessages {
    /// One message as libtiff sent it.
    public struct Message: Sendable, Equatable, CustomStringConvertible {
        public let isError: Bool
        /// libtiff's module name (a function name, or "JPEGLib" for libjpeg's messages).
        public let module: String
        public let text: String

        /// Whether libjpeg sent it while decoding (corrupt compressed data, usually).
        public var isFromJPEGDecoder: Bool { module == "JPEGLib" }

        public var description: String {
            "libtiff \(isError ? "error" : "warning"): " + (module.isEmpty ? "" : "\(module): ") + text
        }
    }

    private static let installed: Bool = {
        slidemil_tiff_install_collecting_handlers()
        return true
    }()

    /// Routes libtiff's process-wide handlers into the per-thread collection (idempotent).
    public static func install() { _ = installed }

    /// This thread's messages since the last `take()`, oldest first; clears them.
    public static func take() -> [Message] {
        var buffer = [CChar](repeating: 0, count: 2048)
        slidemil_tiff_take_messages(&buffer, buffer.count)
        let text = String(cString: buffer)
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { return Message(isError: false, module: "", text: String(line)) }
            return Message(isError: parts[0] == "error", module: String(parts[1]), text: String(parts[2]))
        }
    }
}
