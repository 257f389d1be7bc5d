import Foundation
import SlideIO
import ExtractStage
import RunSupport
import TileStage
import Store
import XCTest

/// Features from reduced-decoded tiles (JPEG tiles decoded at 1/2, then area-averaged) against the
/// exact path (full decode, then area-averaged), for a random-init ResNet-50 truncated after
/// layer3 on 20x tiles read from a 40x level: the two paths must describe tiles alike.
final class ReducedDecodeFeatureTests: XCTestCase {
    func testFeaturesOfBothResamplingPathsAgree() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reduced-features-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = SlideEntry(path: repository.appendingPathComponent("slides-sample/synthetic_1.tif").path)
        // Tissue tiles at 0.5 µm/px, re-listed as 512 px squares of level 0 (0.25 µm/px).
        let tiled = folder.appendingPathComponent("tiled")
        _ = try TilePipeline.run([input], output: tiled, settings: TileSettings())
        let grid = try PatchFile.read(from: tiled.appendingPathComponent("patches/synthetic_1.h5"))
        let coordinates = Array(grid.coordinates.filter { $0.x % 8 == 0 && $0.y % 8 == 0 }.prefix(12))
        XCTAssertEqual(coordinates.count, 12)
        let slide = try OpenSlideSlide(path: input.path)
        let metadata = PatchFileMetadata(slideID: "synthetic_1", patchSize: 512, patchLevel: 0, downsample: (1, 1),
                                         levelSize: (slide.levels[0].width, slide.levels[0].height))

        var features: [[Float]] = []
        for exact in [true, false] {
            let output = folder.appendingPathComponent(exact ? "exact" : "reduced")
            try FileManager.default.createDirectory(at: output.appendingPathComponent("patches"), withIntermediateDirectories: true)
            try PatchFile(metadata: metadata, coordinates: coordinates).write(to: output.appendingPathComponent("patches/synthetic_1.h5"))
            var settings = ExtractSettings()
            settings.baseWidth = 16
            settings.seed = 3
            settings.inputSize = 224
            settings.workers = 2
            settings.reading.exactResampling = exact
            let outcomes = try ExtractPipeline.run([input], output: output, model: ExtractModel(settings: settings), settings: settings)
            XCTAssertEqual(outcomes, [.processed(tiles: 12)])
            let bag = try FeatureFile.read(from: output.appendingPathComponent("features/synthetic_1.h5"))
            XCTAssertEqual(bag.metadata?.reading?.resampling, exact ? "exact" : "reduced-decode")
            features.append(bag.features)
        }
        let dimension = features[0].count / 12
        var cosines: [Double] = []
        for row in 0..<12 {
            let a = features[0][row * dimension..<(row + 1) * dimension].map(Double.init)
            let b = features[1][row * dimension..<(row + 1) * dimension].map(Double.init)
            let dot = zip(a, b).map(*).reduce(0, +)
            cosines.append(dot / ((a.map { $0 * $0 }.reduce(0, +)).squareRoot() * (b.map { $0 * $0 }.reduce(0, +)).squareRoot()))
        }
        XCTAssertNotEqual(features[0], features[1], "the reduced path must actually have been taken")
        XCTAssertGreaterThan(cosines.min()!, 0.99, "cosines \(cosines)")
        print(String(format: "reduced-decode vs exact feature cosine: mean %.5f, min %.5f", cosines.reduce(0, +) / 12, cosines.min()!))
    }
}
