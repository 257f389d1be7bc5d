import Foundation

/// Turns the path components of a `/files/...` request into a file of the run, or refuses.
///
/// A file is served only when every component is a plain name (the route parser has already
/// refused `..`, `.`, empty segments and control characters), its extension is one the viewer
/// serves, and its real path, with every symlink resolved, is a regular file inside the run's
/// real root. A symlink that points out of the run, a folder (no listings) and anything else
/// is refused the same way as a missing file, so a request learns nothing about the disk.
public struct RunFileGuard: Sendable {
    /// The run folder with its symlinks resolved.
    public let root: URL

    /// File extensions served from the run, with their content types.
    public static let contentTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "csv": "text/csv; charset=utf-8",
        "json": "application/json", "geojson": "application/geo+json", "yaml": "text/plain; charset=utf-8",
        "log": "text/plain; charset=utf-8", "txt": "text/plain; charset=utf-8",
    ]

    /// A guard for the run folder `root` (resolved here).
    public init(root: URL) {
        self.root = root.resolvingSymlinksInPath().standardizedFileURL
    }

    /// The file `components` name inside the run and its content type, or `nil` to answer 404.
    public func resolve(_ components: [String]) -> (url: URL, contentType: String)? {
        guard !components.isEmpty,
              !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0.contains("/") || $0.contains("\0") }),
              let type = Self.contentTypes[(components.last! as NSString).pathExtension.lowercased()] else { return nil }
        let candidate = components.reduce(root) { $0.appendingPathComponent($1) }
        guard let real = realPath(candidate.path) else { return nil }
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard real.hasPrefix(rootPath) else { return nil }
        var status = stat()
        guard stat(real, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return (URL(fileURLWithPath: real), type)
    }

    private func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
