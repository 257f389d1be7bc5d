import Foundation
import Heatmap
import HeatmapStage
import RunSupport
import Store
import XCTest

/// A tile that cannot be read used to leave the heatmap PNG, the GeoJSON and some top tiles
/// behind, which a rerun or a viewer then took for a finished slide.
final class HeatmapAllOrNothingTests: XCTestCase {
    private let sample = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("slides-sample/synthetic_0.tif")
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("heatmap-partial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testUnreadableTileLeavesNoOutput() throws {
        // Level 0 of the sample takes its first ~535 kB, the smaller levels (which the heatmap
        // picture is drawn from) follow. Garbage in the JPEG data of level-0 tile row 3 makes
        // the tiles at y = 768...1023 unreadable while the picture stays drawable.
        var bytes = try Data(contentsOf: sample)
        for offset in stride(from: 60_000, to: 110_000, by: 2) {
            bytes[offset] = 0xFF
            bytes[offset + 1] = 0xD9
        }
        let slide = folder.appendingPathComponent("damaged.tif")
        try bytes.write(to: slide)
        let scoresURL = folder.appendingPathComponent("damaged.h5")
        let coordinates = (0..<6).map { PatchCoordinate(x: 200 + 600 * $0, y: 800) }
        try HeatmapScores(coordinates: coordinates, attention: [0.1, 0.9, 0.3, 0.8, 0.2, 0.7], patchSizeLevel0: 256, probability: 0.5)
            .write(to: scoresURL)
        var settings = HeatmapSettings()
        settings.canvas = .maximumSide(300)
        settings.topK = 3
        settings.bottomK = 2
        let output = folder.appendingPathComponent("heatmaps")
        XCTAssertThrowsError(try HeatmapPipeline.run(slidePath: slide.path, scoresURL: scoresURL, output: output, settings: settings)) { error in
            XCTAssertTrue("\(error)".contains("damaged.tif"), "the error names the slide: \(error)")
        }
        let left = FileManager.default.enumerator(atPath: output.path)?.compactMap { $0 as? String }
            .filter { !$0.hasSuffix("/") && !["top_tiles", "bottom_tiles"].contains($0) } ?? []
        XCTAssertEqual(left.filter { $0.contains(".") }, [], "no heatmap, GeoJSON or tile is left behind")
    }
}
