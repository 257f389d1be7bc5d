import Foundation
import Heatmap
import RunSupport
import SlideIO
import Store
import TileStage
import Tiling
import XCTest

final class TilePipelineTests: XCTestCase {
    private let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("slides-sample")
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tile-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A good slide and four broken inputs, as a folder of slides would hold them.
    private func mixedBatch() throws -> [SlideEntry] {
        let slides = folder.appendingPathComponent("slides")
        try FileManager.default.createDirectory(at: slides, withIntermediateDirectories: true)
        let good = slides.appendingPathComponent("good.tif")
        try FileManager.default.copyItem(at: samples.appendingPathComponent("synthetic_1.tif"), to: good)
        try Data().write(to: slides.appendingPathComponent("empty.svs"))
        try Data("patient notes, not a slide\n".utf8).write(to: slides.appendingPathComponent("notes.svs"))
        let tiff = try Data(contentsOf: samples.appendingPathComponent("synthetic_3.tif"))
        try tiff.prefix(4096).write(to: slides.appendingPathComponent("truncated.tif"))
        return [SlideEntry(path: slides.appendingPathComponent("missing.svs").path)]
            + (try SlideEntry.resolve(slides.path))
    }

    func testBrokenSlidesGetFailedRowsAndTheBatchGoesOn() throws {
        let inputs = try mixedBatch()
        XCTAssertEqual(inputs.map(\.slideID), ["missing", "empty", "good", "notes", "truncated"])
        let output = folder.appendingPathComponent("out")
        let outcomes = try TilePipeline.run(inputs, output: output, settings: TileSettings())

        guard case let .processed(tiles) = outcomes[2] else { return XCTFail("good slide: \(outcomes[2])") }
        XCTAssertGreaterThan(tiles, 0)
        for (index, name) in [(0, "missing.svs"), (1, "empty.svs"), (3, "notes.svs"), (4, "truncated.tif")] {
            guard case let .failed(reason) = outcomes[index] else { XCTFail("\(name): \(outcomes[index])"); continue }
            XCTAssertTrue(reason.contains(name), "\(name): \(reason)")
        }
        let list = try ProcessList.load(from: output.appendingPathComponent("process_list.csv"))
        XCTAssertEqual(list.records.map(\.status), [.failed, .failed, .processed, .failed, .failed])
        XCTAssertEqual(list.record(for: "good")?.tiles, tiles)
        XCTAssertTrue(list.records.filter { $0.status == .failed }.allSatisfy { !$0.error.isEmpty })

        let patches = try PatchFile.read(from: output.appendingPathComponent("patches/good.h5"))
        XCTAssertEqual(patches.coordinates.count, tiles)
        XCTAssertEqual(patches.metadata.patchLevel, 1)
        XCTAssertEqual(patches.metadata.patchSizeLevel0, 512)
        XCTAssertEqual(patches.metadata.configHash, TileSettings().fingerprint)
        let mask = try PNGCodec.decode(contentsOf: output.appendingPathComponent("masks/good.png"))
        XCTAssertEqual(mask.width, 250) // 4000 px at the level of downsample 16
        XCTAssertNotNil(try? PNGCodec.decode(contentsOf: output.appendingPathComponent("stitches/good.png")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("patches/missing.h5").path))
    }

    func testRerunSkipsFinishedSlidesOnlyWhenCompleteAndUnchanged() throws {
        let inputs = try mixedBatch()
        let output = folder.appendingPathComponent("out")
        _ = try TilePipeline.run(inputs, output: output, settings: TileSettings())
        let again = try TilePipeline.run(inputs, output: output, settings: TileSettings())
        guard case .alreadyDone = again[2] else { return XCTFail("\(again[2])") }
        guard case .failed = again[0] else { return XCTFail("a failed slide is retried and fails again") }

        // A missing output makes the slide incomplete: redone.
        try FileManager.default.removeItem(at: output.appendingPathComponent("stitches/good.png"))
        guard case .processed = try TilePipeline.run(inputs, output: output, settings: TileSettings())[2] else { return XCTFail() }

        // Other settings: redone, and the patch file records them.
        var settings = TileSettings()
        settings.grid.tileSize = 128
        guard case let .processed(tiles) = try TilePipeline.run(inputs, output: output, settings: settings)[2] else { return XCTFail() }
        let patches = try PatchFile.read(from: output.appendingPathComponent("patches/good.h5"))
        XCTAssertEqual(patches.metadata.configHash, settings.fingerprint)
        XCTAssertEqual(patches.coordinates.count, tiles)
        XCTAssertEqual(patches.metadata.patchSizeLevel0, 256)
    }

    func testExportedTilesMatchDirectReads() throws {
        let path = samples.appendingPathComponent("synthetic_1.tif").path
        var settings = TileSettings()
        settings.exportTiles = true
        settings.readers = 2
        let output = folder.appendingPathComponent("out")
        let outcomes = try TilePipeline.run([SlideEntry(path: path)], output: output, settings: settings)
        guard case let .processed(tiles) = outcomes[0] else { return XCTFail("\(outcomes[0])") }
        let tileFolder = output.appendingPathComponent("tiles/synthetic_1")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tileFolder.path).filter { $0.hasSuffix(".png") }.count, tiles)
        let patches = try PatchFile.read(from: output.appendingPathComponent("patches/synthetic_1.h5"))
        let slide = try OpenSlideSlide(path: path)
        let geometry = try TileGeometry(slide: slide, parameters: settings.grid)
        for point in patches.coordinates.prefix(3) {
            let png = try PNGCodec.decode(contentsOf: tileFolder.appendingPathComponent("\(point.x)_\(point.y).png"))
            let direct = try geometry.readTile(from: slide, at: Level0Point(x: point.x, y: point.y))
            XCTAssertEqual(png.pixels, direct.pixels)
        }
    }

    func testSlideCSVResolvesRelativePathsIDsAndMpp() throws {
        let csv = folder.appendingPathComponent("slides.csv")
        try Data("path,slide_id,mpp\nsub/a.svs,case-a,0.5\n/abs/b.tif,,\n".utf8).write(to: csv)
        let inputs = try SlideEntry.resolve(csv.path)
        XCTAssertEqual(inputs, [
            SlideEntry(path: folder.appendingPathComponent("sub/a.svs").path, slideID: "case-a", mppOverride: 0.5),
            SlideEntry(path: "/abs/b.tif", slideID: "b"),
        ])
        try Data("slide,mpp\na.svs,x\n".utf8).write(to: csv)
        XCTAssertThrowsError(try SlideEntry.resolve(csv.path))
        XCTAssertThrowsError(try TilePipeline.run([SlideEntry(path: "x/a.svs"), SlideEntry(path: "y/a.tif")],
                                                  output: folder, settings: TileSettings()))
    }
}
