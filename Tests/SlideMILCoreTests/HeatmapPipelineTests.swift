import Foundation
import Heatmap
import HeatmapStage
import SlideIO
import Store
import XCTest

final class HeatmapPipelineTests: XCTestCase {
    private let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("slides-sample")
    private var folder: URL!
    private var slidePath: String { samples.appendingPathComponent("synthetic_0.tif").path }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("heatmap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Twelve 256 px tiles across the slide with distinct scores.
    private func sampleScores() -> HeatmapScores {
        let coordinates = (0..<12).map { PatchCoordinate(x: 200 + 300 * $0, y: 700 + 100 * ($0 % 5)) }
        let attention: [Float] = [0.3, 0.9, 0.05, 0.6, 0.75, 0.1, 0.2, 0.95, 0.4, 0.5, 0.01, 0.8]
        return HeatmapScores(coordinates: coordinates, attention: attention, patchSizeLevel0: 256, probability: 0.873)
    }

    func testRunWritesHeatmapGeoJSONAndRankedTiles() throws {
        let scores = sampleScores()
        let scoresURL = folder.appendingPathComponent("attention/synthetic_0.h5")
        try FileManager.default.createDirectory(at: scoresURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try scores.write(to: scoresURL)
        var settings = HeatmapSettings()
        settings.canvas = .maximumSide(400)
        settings.topK = 3
        settings.bottomK = 2
        settings.smoothingSigma = 2
        settings.highAttentionClass = "Tumor"
        settings.highAttentionPercentile = 80
        let output = folder.appendingPathComponent("heatmaps")
        let outputs = try HeatmapPipeline.run(slidePath: slidePath, scoresURL: scoresURL, output: output, settings: settings)

        let heatmap = try PNGCodec.decode(contentsOf: outputs.heatmap)
        XCTAssertEqual(outputs.heatmap.lastPathComponent, "synthetic_0_heatmap.png")
        XCTAssertEqual(heatmap.width, 400)
        XCTAssertEqual(heatmap.height, 300 + ColorBarLegend.stripHeight(forWidth: 400))

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: outputs.geoJSON)) as? [String: Any]
        let features = try XCTUnwrap(json?["features"] as? [[String: Any]])
        XCTAssertEqual(features.count, 12)
        let classified = features.compactMap { feature -> Int? in
            let properties = feature["properties"] as? [String: Any]
            guard properties?["classification"] != nil else { return nil }
            let ring = ((feature["geometry"] as? [String: Any])?["coordinates"] as? [[[Int]]])?[0]
            return scores.coordinates.firstIndex { $0.x == ring?[0][0] && $0.y == ring?[0][1] }
        }
        // Percentile >= 80 of 12 tiles: the top three (ranks 10/12, 11/12, 12/12).
        XCTAssertEqual(Set(classified), [7, 1, 11])

        let slide = try OpenSlideSlide(path: slidePath)
        let expectedTop = [7, 1, 11], expectedBottom = [10, 2]
        XCTAssertEqual(outputs.topTiles.map(\.lastPathComponent), expectedTop.enumerated().map { rank, index in
            AttentionRanking.clamTileName(rank: rank, slideID: "synthetic_0", x: scores.coordinates[index].x,
                                          y: scores.coordinates[index].y, score: scores.attention[index])
        })
        XCTAssertEqual(outputs.topTiles[0].lastPathComponent, "0_synthetic_0_x_2300_y_900_a_0.950.png")
        XCTAssertEqual(outputs.bottomTiles.count, 2)
        for (url, index) in zip(outputs.topTiles + outputs.bottomTiles, expectedTop + expectedBottom) {
            XCTAssertTrue(url.path.contains(outputs.topTiles.contains(url) ? "top_tiles/synthetic_0/" : "bottom_tiles/synthetic_0/"))
            let tile = try PNGCodec.decode(contentsOf: url)
            XCTAssertEqual(tile.width, 256)
            XCTAssertEqual(tile.height, 256)
            let point = scores.coordinates[index]
            XCTAssertEqual(tile.pixels, try slide.readRegion(level: 0, x: point.x, y: point.y, width: 256, height: 256).pixels)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.contains(".tmp") }
        XCTAssertEqual(leftovers, [], "atomic writes leave no temporary files")
    }

    func testTilesAreReadAtTheRequestedLevel() throws {
        let slide = try OpenSlideSlide(path: slidePath)
        try XCTSkipIf(slide.levels.count < 2, "sample slide has one level")
        let scoresURL = folder.appendingPathComponent("scores.h5")
        try sampleScores().write(to: scoresURL)
        var settings = HeatmapSettings()
        settings.canvas = .maximumSide(200)
        settings.tileLevel = 1
        settings.topK = 1
        settings.bottomK = 0
        settings.legend = false
        let outputs = try HeatmapPipeline.run(slidePath: slidePath, scoresURL: scoresURL, output: folder, slideID: "s0", settings: settings)
        let tile = try PNGCodec.decode(contentsOf: outputs.topTiles[0])
        XCTAssertEqual(tile.width, Int((256 / slide.levels[1].downsample).rounded()))
        XCTAssertEqual(try PNGCodec.decode(contentsOf: outputs.heatmap).height, 150)
    }

    func testLegendChangesTheStripAndOverlayChangesTissue() throws {
        var settings = HeatmapSettings()
        settings.canvas = .maximumSide(300)
        settings.legend = false
        let slide = try OpenSlideSlide(path: slidePath)
        let plain = try HeatmapRendering.render(slide: slide, scores: sampleScores(), footprint: 256, settings: settings,
                                                caption: "", source: "scores")
        settings.legend = true
        let legended = try HeatmapRendering.render(slide: slide, scores: sampleScores(), footprint: 256, settings: settings,
                                                   caption: "SYNTHETIC_0  P = 0.873", source: "scores")
        XCTAssertEqual(Array(legended.image.pixels.prefix(plain.image.pixels.count)), plain.image.pixels)
        XCTAssertGreaterThan(legended.image.height, plain.image.height)
        let strip = legended.image.pixels[plain.image.pixels.count...]
        XCTAssertGreaterThan(strip.filter { $0 != 255 }.count, 1000)

        let thumbnail = try slide.thumbnail(maximumSide: 300)
        let coloured = (0..<(plain.width * plain.height)).filter {
            plain.image.pixels[($0 * 3)..<($0 * 3 + 3)] != thumbnail.pixels[($0 * 3)..<($0 * 3 + 3)]
        }
        XCTAssertFalse(coloured.isEmpty)
        for index in coloured {
            XCTAssertTrue(plain.tissue[index] && !plain.values[index].isNaN, "only tissue under tiles is coloured")
        }
    }

    func testErrorsNameTheFileAndProblem() throws {
        let output = folder.appendingPathComponent("out")
        let good = folder.appendingPathComponent("good.h5")
        try sampleScores().write(to: good)
        XCTAssertThrowsError(try HeatmapPipeline.run(slidePath: folder.appendingPathComponent("nope.tif").path, scoresURL: good, output: output)) {
            XCTAssertEqual($0 as? HeatmapPipelineError, .slideMissing(path: self.folder.appendingPathComponent("nope.tif").path))
        }
        let missing = folder.appendingPathComponent("missing.h5")
        XCTAssertThrowsError(try HeatmapPipeline.run(slidePath: slidePath, scoresURL: missing, output: output)) {
            XCTAssertEqual($0 as? HeatmapScoresError, .scoresMissing(path: missing.path))
        }

        let mismatch = folder.appendingPathComponent("mismatch.h5")
        let file = try HDF5File.create(at: mismatch)
        try file.createDataset("coords", values: [Int64](repeating: 0, count: 6), shape: [3, 2])
        try file.createDataset("attention", values: [Float](repeating: 0, count: 2), shape: [2])
        file.close()
        XCTAssertThrowsError(try HeatmapScores.read(from: mismatch)) {
            XCTAssertEqual($0 as? HeatmapScoresError, .countMismatch(path: mismatch.path, coordinates: 3, scores: 2))
            XCTAssertTrue("\($0)".contains("mismatch.h5"))
        }

        var nan = sampleScores()
        nan.attention[4] = .nan
        let nanURL = folder.appendingPathComponent("nan.h5")
        try nan.write(to: nanURL)
        XCTAssertThrowsError(try HeatmapScores.read(from: nanURL)) {
            XCTAssertEqual($0 as? HeatmapScoresError, .nonFiniteScore(path: nanURL.path, index: 4))
        }

        var outside = sampleScores()
        outside.coordinates[2] = PatchCoordinate(x: 4100, y: 10)
        let outsideURL = folder.appendingPathComponent("outside.h5")
        try outside.write(to: outsideURL)
        XCTAssertThrowsError(try HeatmapPipeline.run(slidePath: slidePath, scoresURL: outsideURL, output: output)) {
            XCTAssertEqual($0 as? HeatmapPipelineError,
                           .tileOutsideSlide(path: outsideURL.path, x: 4100, y: 10, slideWidth: 4000, slideHeight: 3000))
        }

        var settings = HeatmapSettings()
        settings.tileLevel = 9
        XCTAssertThrowsError(try HeatmapPipeline.run(slidePath: slidePath, scoresURL: good, output: output, settings: settings)) {
            XCTAssertTrue("\($0)".contains("has no level 9"), "\($0)")
        }

        var sizeless = sampleScores()
        sizeless.patchSizeLevel0 = nil
        let sizelessURL = folder.appendingPathComponent("sizeless.h5")
        try sizeless.write(to: sizelessURL)
        XCTAssertThrowsError(try HeatmapPipeline.run(slidePath: slidePath, scoresURL: sizelessURL, output: output)) {
            XCTAssertEqual($0 as? HeatmapPipelineError, .footprintUnknown(path: sizelessURL.path))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("synthetic_0_heatmap.png").path),
                       "failed runs write nothing")
    }

    func testScoresRoundTripAndFeatureFilesWithAttentionAreAccepted() throws {
        let url = folder.appendingPathComponent("features.h5")
        let file = try HDF5File.create(at: url)
        try file.createDataset("features", values: [Float](repeating: 0.5, count: 8), shape: [2, 4])
        try file.createDataset("coords", values: [Int32(10), 20, 30, 40], shape: [2, 2])
        let attention = try file.createDataset("attention", values: [Float(0.25), 0.75], shape: [2, 1])
        try attention.attributes.set("patch_size_level0", .integer(512))
        file.close()
        let scores = try HeatmapScores.read(from: url)
        XCTAssertEqual(scores.coordinates, [PatchCoordinate(x: 10, y: 20), PatchCoordinate(x: 30, y: 40)])
        XCTAssertEqual(scores.attention, [0.25, 0.75])
        XCTAssertEqual(scores.patchSizeLevel0, 512)
        XCTAssertNil(scores.probability)

        let copy = folder.appendingPathComponent("copy.h5")
        try sampleScores().write(to: copy)
        let back = try HeatmapScores.read(from: copy)
        XCTAssertEqual(back.coordinates, sampleScores().coordinates)
        XCTAssertEqual(back.attention, sampleScores().attention)
        XCTAssertEqual(back.patchSizeLevel0, 256)
        XCTAssertEqual(back.probability, 0.873)
    }
}
