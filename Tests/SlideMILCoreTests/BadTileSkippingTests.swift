import CTIFF
import Foundation
import SlideIO
import ExtractStage
import RunSupport
import TileStage
import Store
import Tiling
import XCTest

/// `--skip-bad-tiles` end to end: tiles over a damaged stored tile leave the patch file (counted
/// in its attributes), and extraction skips them the same way instead of failing the slide.
final class BadTileSkippingTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bad-tiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tiff/generic_tables.tif")

    /// The fixture (1000 x 700 px at 0.5 µm/px, 256 px stored tiles) with the entropy-coded data of
    /// level-0 stored tile 1 (x 256..<512, y 0..<256) garbled.
    private func damagedSlide() throws -> SlideEntry {
        let path = folder.appendingPathComponent("damaged.tif").path
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
        var errorBuffer = [CChar](repeating: 0, count: 512)
        let tiff = try XCTUnwrap(slidemil_tiff_open(path, "r", &errorBuffer))
        let offset = TIFFGetStrileOffset(tiff, 1), size = TIFFGetStrileByteCount(tiff, 1)
        TIFFClose(tiff)
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: offset + size / 2)
        handle.write(Data((0..<64).map { UInt8($0 * 37 % 251) }))
        try handle.close()
        return SlideEntry(path: path)
    }

    private func tileSettings() -> TileSettings {
        var settings = TileSettings()
        settings.grid.tileSize = 128
        settings.grid.minTissueFraction = 0
        settings.segmentation.minTissueArea = 0
        settings.segmentation.minHoleArea = 0
        settings.verifyTiles = true
        settings.badTilePolicy = .skip
        return settings
    }

    func testTilingLeavesUnreadableTilesOutOfThePatchFile() throws {
        let input = try damagedSlide()
        let output = folder.appendingPathComponent("out")
        let outcomes = try TilePipeline.run([input], output: output, settings: tileSettings())
        guard case let .processed(kept) = outcomes[0] else { return XCTFail("\(outcomes[0])") }
        let patches = try PatchFile.read(from: output.appendingPathComponent("patches/damaged.h5"))
        let reading = try XCTUnwrap(patches.metadata.reading)
        XCTAssertEqual(reading.reader, "direct")
        XCTAssertGreaterThan(reading.skippedTiles, 0)
        XCTAssertEqual(patches.coordinates.count, kept)
        // No kept tile touches the damaged stored tile.
        let damaged = Level0Rect(x: 256, y: 0, width: 256, height: 256)
        XCTAssertFalse(patches.coordinates.contains { damaged.intersects(Level0Rect(x: $0.x, y: $0.y, width: 128, height: 128)) })

        // The same settings on the intact file keep exactly the skipped tiles more.
        let intact = try TilePipeline.run([SlideEntry(path: fixture.path)], output: folder.appendingPathComponent("intact"),
                                          settings: tileSettings())
        XCTAssertEqual(intact, [.processed(tiles: kept + reading.skippedTiles)])
        let list = try ProcessList.load(from: output.appendingPathComponent("process_list.csv"))
        XCTAssertTrue(list.record(for: "damaged")?.error.contains("unreadable tiles skipped") ?? false)
    }

    func testExtractionSkipsUnreadableTilesWhenAsked() throws {
        let input = try damagedSlide()
        let output = folder.appendingPathComponent("out")
        let coordinates = [(0, 0), (300, 40), (600, 300), (128, 400)].map { PatchCoordinate(x: $0.0, y: $0.1) }
        let metadata = PatchFileMetadata(slideID: "damaged", patchSize: 128, patchLevel: 0, downsample: (1, 1), levelSize: (1000, 700))
        try FileManager.default.createDirectory(at: output.appendingPathComponent("patches"), withIntermediateDirectories: true)
        try PatchFile(metadata: metadata, coordinates: coordinates).write(to: output.appendingPathComponent("patches/damaged.h5"))
        var settings = ExtractSettings()
        settings.backbone = .resnet18
        settings.baseWidth = 4
        settings.inputSize = 32
        settings.batchSize = 2
        settings.workers = 1
        let model = try ExtractModel(settings: settings)

        // Without the option the slide fails, naming the stored tile.
        guard case let .failed(reason) = try ExtractPipeline.run([input], output: output, model: model, settings: settings)[0] else {
            return XCTFail("a damaged tile must fail the slide by default")
        }
        XCTAssertTrue(reason.contains("stored tile 1 (column 1, row 0) of level 0"), reason)

        settings.badTilePolicy = .skip
        let outcomes = try ExtractPipeline.run([input], output: output, model: model, settings: settings)
        XCTAssertEqual(outcomes, [.processed(tiles: 3)])
        let features = output.appendingPathComponent("features/damaged.h5")
        let bag = try FeatureFile.read(from: features)
        XCTAssertEqual(bag.coordinates, [coordinates[0], coordinates[2], coordinates[3]])
        XCTAssertEqual(bag.metadata?.reading, TileReadProvenance(reader: "direct", resampling: "reduced-decode", skippedTiles: 1))
        let extractList = try ProcessList.load(from: output.appendingPathComponent(ExtractPipeline.processListName))
        XCTAssertEqual(extractList.record(for: "damaged")?.error, "warning: 1 unreadable tiles skipped")
        // A rerun counts the skipped tile and does not redo the slide.
        XCTAssertEqual(try ExtractPipeline.run([input], output: output, model: model, settings: settings), [.alreadyDone(tiles: 4)])
    }
}
