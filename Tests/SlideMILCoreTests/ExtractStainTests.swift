import Foundation
import SlideIO
import ExtractStage
import RunSupport
import Store
import Tiling
import XCTest

/// Stain normalisation inside `slidemil extract`: applied to the tiles the encoder sees, part of
/// the settings fingerprint, and ill-posed tiles counted in the feature file.
final class ExtractStainTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("extract-stain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Two tissue tiles and one background tile (Macenko is ill-posed on it), 64 px at level 0.
    private func addSlide() throws -> SlideEntry {
        let path = folder.appendingPathComponent("s.tif")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("slides-sample/synthetic_3.tif"), to: path)
        let patches = folder.appendingPathComponent("patches")
        try FileManager.default.createDirectory(at: patches, withIntermediateDirectories: true)
        let metadata = PatchFileMetadata(slideID: "s", patchSize: 64, patchLevel: 0, downsample: (1, 1), levelSize: (4000, 3000))
        let coordinates = [(1063, 1586), (20, 20), (1000, 1500)].map { PatchCoordinate(x: $0.0, y: $0.1) }
        try PatchFile(metadata: metadata, coordinates: coordinates).write(to: patches.appendingPathComponent("s.h5"))
        return SlideEntry(path: path.path)
    }

    private func extract(_ settings: ExtractSettings, into name: String) throws -> URL {
        let output = folder.appendingPathComponent(name)
        let outcomes = try ExtractPipeline.run([addSlide()], output: output, patches: folder.appendingPathComponent("patches"),
                                               model: ExtractModel(settings: settings), settings: settings, showProgress: false)
        XCTAssertEqual(outcomes, [.processed(tiles: 3)])
        try FileManager.default.removeItem(at: folder.appendingPathComponent("s.tif"))
        return output.appendingPathComponent("features/s.h5")
    }

    func testMacenkoChangesTheTissueTilesCountsTheBackgroundOneAndEntersTheFingerprint() throws {
        var plain = ExtractSettings()
        plain.backbone = .resnet18
        plain.baseWidth = 4
        plain.inputSize = 64
        plain.workers = 1
        var stained = plain
        stained.stain = try StainNormalization.fitted(method: "macenko", referencePath: nil)
        XCTAssertNotEqual(plain.fingerprint(weightsChecksum: nil), stained.fingerprint(weightsChecksum: nil))
        XCTAssertTrue(stained.normalizationName.hasPrefix("imagenet; stain macenko H="), stained.normalizationName)

        let without = try FeatureFile.read(from: extract(plain, into: "plain"))
        let withStain = try FeatureFile.read(from: extract(stained, into: "stained"))
        let width = without.dimension
        let row = { (bag: FeatureFile, index: Int) in Array(bag.features[(index * width)..<((index + 1) * width)]) }
        XCTAssertNotEqual(row(without, 0), row(withStain, 0), "a tissue tile is normalised")
        XCTAssertEqual(row(without, 1), row(withStain, 1), "the background tile passes through")
        let file = try HDF5File.open(folder.appendingPathComponent("stained/features/s.h5"))
        defer { file.close() }
        XCTAssertEqual(try file.dataset("stain_unchanged_tiles").read(as: Int64.self), [1])
    }
}
