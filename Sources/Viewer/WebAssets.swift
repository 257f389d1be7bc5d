import Foundation

/// The viewer's pages, stylesheet and scripts, shipped inside the binary's resource bundle.
/// Only the names listed here are served.
enum WebAssets {
    /// Served file names and their content types.
    static let files: [String: String] = [
        "index.html": "text/html; charset=utf-8",
        "slide.html": "text/html; charset=utf-8",
        "viewer.css": "text/css; charset=utf-8",
        "run.js": "text/javascript; charset=utf-8",
        "slide.js": "text/javascript; charset=utf-8",
        "deepzoom.js": "text/javascript; charset=utf-8",
        "overlay.js": "text/javascript; charset=utf-8",
    ]

    /// The content type of a served asset, `nil` for any other name.
    static func contentType(of name: String) -> String? { files[name] }

    /// The bytes of a served asset.
    static func data(_ name: String) -> Data? {
        guard files[name] != nil, let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "web") else {
            return nil
        }
        return try? Data(contentsOf: url)
    }
}
