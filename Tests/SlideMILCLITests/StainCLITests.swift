import Foundation
import XCTest

/// `slidemil stain` run as a user would: a tile that is missing or not a PNG is one line naming the
/// file, exit status 1, and no output picture.
final class StainCLITests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        try BuiltTool.requireSlidemil()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-cli-stain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// Runs `slidemil` with `arguments`; returns its exit status and stdout + stderr.
    private func slidemil(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try BuiltTool.run(BuiltTool.slidemil, arguments)
    }

    func testMissingOrBrokenTileIsOneLineNamingItAndExitsNonZero() throws {
        let broken = folder.appendingPathComponent("broken.png")
        try Data("not a png".utf8).write(to: broken)
        for tile in [folder.appendingPathComponent("missing.png").path, broken.path] {
            let output = folder.appendingPathComponent("out.png")
            let (status, text) = try slidemil(["stain", tile, "--method", "macenko", "--output", output.path])
            XCTAssertEqual(status, 1, text)
            let lines = text.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, text)
            XCTAssertTrue(text.contains(tile), text)
            XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), tile)
        }
    }
}
