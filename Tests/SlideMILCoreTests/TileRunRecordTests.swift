import ExtractStage
import Foundation
import HeatmapStage
import RunSupport
import SlideIO
import Store
import TileStage
import Tiling
import XCTest

/// What a tile run records in its patch files and what the later stages take from there: the
/// tile size (read by extract, not inverted from mpp) and the segmentation (used by heatmap).
final class TileRunRecordTests: XCTestCase {
    private let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("slides-sample")
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tile-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Non-default segmentation that masks visibly less tissue than the defaults.
    private func tileSettings() -> TileSettings {
        var settings = TileSettings()
        settings.grid.tileSize = 128
        settings.segmentation.threshold = .fixed(60)
        settings.segmentation.medianKernel = 11
        settings.segmentation.minTissueArea *= 4
        return settings
    }

    func testHeatmapMasksTheTissueTheTileRunMasked() throws {
        let slidePath = samples.appendingPathComponent("synthetic_0.tif").path
        let settings = tileSettings()
        let output = folder.appendingPathComponent("run")
        let outcomes = try TilePipeline.run([SlideEntry(path: slidePath)], output: output, settings: settings, showProgress: false)
        XCTAssertNotNil(outcomes[0].tiles, "\(outcomes[0])")
        let patchesURL = output.appendingPathComponent("patches/synthetic_0.h5")
        let patches = try PatchFile.read(from: patchesURL)
        XCTAssertEqual(patches.metadata.targetTileSize, 128)

        let resolved = try HeatmapPipeline.tissueSegmentation(HeatmapSettings(), patches: patches, patchesPath: patchesURL.path)
        XCTAssertEqual(resolved, settings.segmentation)
        let slide = try OpenSlideSlide(path: slidePath)
        let tileRunMask = try TissueSegmenter(parameters: settings.segmentation).segment(slide).mask
        let heatmapMask = try TissueSegmenter(parameters: resolved).segment(slide).mask
        let defaultMask = try TissueSegmenter(parameters: TissueSegmentationParameters()).segment(slide).mask
        XCTAssertEqual(heatmapMask, tileRunMask)
        XCTAssertNotEqual(defaultMask, tileRunMask, "the test settings must change the mask, or it proves nothing")

        // The rendered overlay's tissue follows the recorded settings too.
        let scores = HeatmapScores(coordinates: patches.coordinates, attention: patches.coordinates.indices.map { Float($0) },
                                   patchSizeLevel0: patches.metadata.patchSizeLevel0)
        var drawing = HeatmapSettings()
        drawing.canvas = .maximumSide(300)
        drawing.segmentation = resolved
        let recorded = try HeatmapRendering.render(slide: slide, scores: scores, footprint: patches.metadata.patchSizeLevel0,
                                                   settings: drawing, caption: "", source: "test")
        drawing.segmentation = TissueSegmentationParameters()
        let defaults = try HeatmapRendering.render(slide: slide, scores: scores, footprint: patches.metadata.patchSizeLevel0,
                                                   settings: drawing, caption: "", source: "test")
        XCTAssertLessThan(recorded.tissue.filter { $0 }.count, defaults.tissue.filter { $0 }.count)

        // An explicit setting wins; a patch file from another tool falls back to the defaults.
        var explicit = HeatmapSettings()
        explicit.segmentation = TissueSegmentationParameters()
        XCTAssertEqual(try HeatmapPipeline.tissueSegmentation(explicit, patches: patches, patchesPath: nil), TissueSegmentationParameters())
        var foreign = patches
        foreign.metadata.segmentation = nil
        XCTAssertEqual(try HeatmapPipeline.tissueSegmentation(HeatmapSettings(), patches: foreign, patchesPath: nil), TissueSegmentationParameters())
        foreign.metadata.segmentation = "{\"median\": true}"
        XCTAssertThrowsError(try HeatmapPipeline.tissueSegmentation(HeatmapSettings(), patches: foreign, patchesPath: "p.h5"))
    }

    func testExtractReadsTheRecordedTileSize() throws {
        let slidePath = samples.appendingPathComponent("synthetic_0.tif").path
        let output = folder.appendingPathComponent("run")
        _ = try TilePipeline.run([SlideEntry(path: slidePath)], output: output, settings: tileSettings(), showProgress: false)
        let patchesURL = output.appendingPathComponent("patches/synthetic_0.h5")
        var patches = try PatchFile.read(from: patchesURL)
        // A file that says 96 px: the mpp inversion would still give 128, the record must win.
        patches.metadata.targetTileSize = 96
        try patches.write(to: patchesURL)

        var settings = ExtractSettings()
        settings.backbone = .resnet18
        settings.baseWidth = 4
        settings.inputSize = 32
        settings.tileSize = 128
        settings.maxTiles = 2
        let outcomes = try ExtractPipeline.run([SlideEntry(path: slidePath)], output: output, model: ExtractModel(settings: settings),
                                               settings: settings, showProgress: false)
        guard let reason = outcomes[0].failure else { return XCTFail("a 96 px patch file passed a 128 px check") }
        XCTAssertTrue(reason.contains("96"), reason)
    }
}
