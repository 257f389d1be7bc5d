import Foundation

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Names of everything in the folder, hidden files included.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The h5py-made fixtures beside this test target.
enum H5Fixture {
    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/h5/\(name)")
    }

    /// Coordinate i of every fixture: (1024 i, 512 i + 7).
    static let coordinates = (0..<5).map { i in (x: 1024 * i, y: 512 * i + 7) }

    /// Feature (i, j) of every fixture: i + j / 8.
    static let features: [Float] = (0..<5).flatMap { i in (0..<8).map { j in Float(i) + Float(j) / 8 } }
}
