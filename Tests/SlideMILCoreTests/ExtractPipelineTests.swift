import ExtractStage
import Foundation
import NN
import RunSupport
import SlideIO
import Store
import Tensor
import Tiling
import XCTest

final class ExtractPipelineTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private var samples: URL { repository.appendingPathComponent("slides-sample") }
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("extract-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A tiny, fast backbone: ResNet-18 at base width 4, fed 32 px images.
    private func tinySettings(seed: UInt64 = 5) -> ExtractSettings {
        var settings = ExtractSettings()
        settings.backbone = .resnet18
        settings.baseWidth = 4
        settings.seed = seed
        settings.inputSize = 32
        settings.batchSize = 3
        settings.workers = 1
        return settings
    }

    /// Copies sample slide `index` in as `<id>.tif` and writes a CLAM-style patch file for it:
    /// 64 px patches at level 1 (downsample 2) at `coordinates`.
    @discardableResult
    private func addSlide(_ id: String, sample index: Int = 0, coordinates: [PatchCoordinate]) throws -> SlideEntry {
        let slides = folder.appendingPathComponent("slides")
        let patches = folder.appendingPathComponent("out/patches")
        try FileManager.default.createDirectory(at: slides, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: patches, withIntermediateDirectories: true)
        let path = slides.appendingPathComponent("\(id).tif")
        try FileManager.default.copyItem(at: samples.appendingPathComponent("synthetic_\(index).tif"), to: path)
        let metadata = PatchFileMetadata(slideID: id, patchSize: 64, patchLevel: 1, downsample: (2, 2), levelSize: (2000, 1500))
        try PatchFile(metadata: metadata, coordinates: coordinates).write(to: patches.appendingPathComponent("\(id).h5"))
        return SlideEntry(path: path.path)
    }

    private let someTiles = [(1000, 800), (1128, 800), (1256, 800), (1000, 928), (2100, 1500), (3900, 2900), (0, 0)]
        .map { PatchCoordinate(x: $0.0, y: $0.1) }

    private var output: URL { folder.appendingPathComponent("out") }

    func testFeaturesEqualTheBackboneOnDirectlyReadTiles() throws {
        let input = try addSlide("a", coordinates: someTiles)
        let settings = tinySettings()
        let model = try ExtractModel(settings: settings)
        let outcomes = try ExtractPipeline.run([input], output: output, model: model, settings: settings)
        XCTAssertEqual(outcomes, [.processed(tiles: someTiles.count)])

        let bag = try FeatureFile.read(from: output.appendingPathComponent("features/a.h5"))
        XCTAssertEqual(bag.layout, .slideMIL)
        XCTAssertEqual(bag.dimension, 32)  // 8 x base width 4
        XCTAssertEqual(bag.coordinates, someTiles)

        // Reference: each tile read on its own (same reader and resampling path), normalised by
        // hand, through the unfolded model.
        let slide = try SlideOpener.open(path: input.path).slide
        let geometry = TileGeometry(level: 1, levelDownsample: slide.levels[1].downsample, readSize: 64, outputSize: 32)
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        for (row, point) in someTiles.enumerated() {
            let tile = try geometry.readTile(from: slide, at: Level0Point(x: point.x, y: point.y), resampling: settings.reading.resampling)
            XCTAssertEqual(tile.width, 32)
            var values = [Float](repeating: 0, count: 3 * 32 * 32)
            for pixel in 0..<(32 * 32) {
                for channel in 0..<3 {
                    values[channel * 1024 + pixel] = (Float(tile.pixels[pixel * 3 + channel]) / 255 - mean[channel]) / std[channel]
                }
            }
            let expected = try XCTUnwrap(model.network).forward(Tensor(shape: [1, 3, 32, 32], storage: values), mode: .inference).storage
            let got = Array(bag.features[row * 32..<(row + 1) * 32])
            let scale = max(expected.map(abs).max() ?? 0, 1e-3)
            for (a, b) in zip(got, expected) { XCTAssertEqual(a, b, accuracy: 1e-4 * scale, "tile \(point)") }
        }

        let meta = try XCTUnwrap(bag.metadata)
        XCTAssertEqual(meta.backbone, "resnet18-w4")
        XCTAssertEqual(meta.weights, "random-init seed 5")
        XCTAssertNil(meta.weightsChecksum)
        XCTAssertEqual(meta.inputSize, 32)
        XCTAssertEqual(meta.patchSize, 64)
        XCTAssertEqual(meta.normalization, "imagenet")
        XCTAssertEqual(try XCTUnwrap(meta.mpp), 0.25 * 128 / 32, accuracy: 1e-9)  // 128 level-0 px over 32 fed px
        XCTAssertEqual(meta.configHash, settings.fingerprint(weightsChecksum: nil))
        XCTAssertEqual(FeatureFile.status(at: output.appendingPathComponent("features/a.h5")), .complete(tileCount: someTiles.count))
    }

    func testRerunSkipsCompleteFilesAndRedoesIncompleteOrChangedOnes() throws {
        let input = try addSlide("a", coordinates: Array(someTiles.prefix(4)))
        let settings = tinySettings()
        let model = try ExtractModel(settings: settings)
        let features = output.appendingPathComponent("features/a.h5")
        XCTAssertEqual(try ExtractPipeline.run([input], output: output, model: model, settings: settings), [.processed(tiles: 4)])
        let first = try FeatureFile.read(from: features).features
        XCTAssertEqual(try ExtractPipeline.run([input], output: output, model: model, settings: settings), [.alreadyDone(tiles: 4)])

        // A killed run's leftover (no completeness marker) is redone, to the same numbers.
        let writer = try FeatureFileWriter(url: folder.appendingPathComponent("partial.h5"), dimension: 32,
                                           metadata: FeatureFileMetadata(backbone: "resnet18-w4"))
        try writer.append(features: [Float](repeating: 1, count: 32), coordinates: [someTiles[0]])
        try writer.finish()
        try HDF5File.open(folder.appendingPathComponent("partial.h5"), mode: .readWrite).attributes.set("complete", .integer(0))
        try FileManager.default.removeItem(at: features)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("partial.h5"), to: features)
        XCTAssertNotEqual(FeatureFile.status(at: features), .complete(tileCount: 4))
        XCTAssertEqual(try ExtractPipeline.run([input], output: output, model: model, settings: settings), [.processed(tiles: 4)])
        XCTAssertEqual(try FeatureFile.read(from: features).features, first)

        // Other weights (another seed) make the file stale.
        let reseeded = tinySettings(seed: 6)
        let outcome = try ExtractPipeline.run([input], output: output, model: ExtractModel(settings: reseeded), settings: reseeded)
        XCTAssertEqual(outcome, [.processed(tiles: 4)])
        XCTAssertNotEqual(try FeatureFile.read(from: features).features, first)
        let list = try ProcessList.load(from: output.appendingPathComponent(ExtractPipeline.processListName))
        XCTAssertEqual(list.record(for: "a")?.status, .processed)
        XCTAssertEqual(list.record(for: "a")?.tiles, 4)
    }

    func testBatchGoesOnPastBrokenSlidesWithOneLineReasons() throws {
        let good = try addSlide("good", coordinates: Array(someTiles.prefix(2)))
        let outside = try addSlide("outside", sample: 1, coordinates: [someTiles[0], PatchCoordinate(x: 4000, y: 10), PatchCoordinate(x: -5, y: 3)])
        let unpatched = try addSlide("unpatched", sample: 2, coordinates: [])
        try FileManager.default.removeItem(at: output.appendingPathComponent("patches/unpatched.h5"))
        let notSlide = try addSlide("notes", sample: 3, coordinates: [someTiles[0]])
        try Data("patient notes, not a slide\n".utf8).write(to: URL(fileURLWithPath: notSlide.path))
        var settings = tinySettings()
        let model = try ExtractModel(settings: settings)
        let outcomes = try ExtractPipeline.run([outside, unpatched, good, notSlide], output: output, model: model, settings: settings)

        XCTAssertEqual(outcomes[2], .processed(tiles: 2))
        let reasons = outcomes.enumerated().compactMap { index, outcome -> (Int, String)? in
            if case let .failed(reason) = outcome { return (index, reason) } else { return nil }
        }
        XCTAssertEqual(reasons.map(\.0), [0, 1, 3])
        XCTAssertTrue(reasons[0].1.contains("outside.h5") && reasons[0].1.contains("2 patch origin(s) lie outside")
                      && reasons[0].1.contains("(4000, 10)"), reasons[0].1)
        XCTAssertTrue(reasons[1].1.contains("unpatched") && reasons[1].1.contains("no patch file"), reasons[1].1)
        XCTAssertTrue(reasons[2].1.contains("notes.tif"), reasons[2].1)
        XCTAssertTrue(reasons.allSatisfy { !$0.1.contains("\n") })
        let list = try ProcessList.load(from: output.appendingPathComponent(ExtractPipeline.processListName))
        XCTAssertEqual(list.records.map(\.status), [.failed, .failed, .processed, .failed])
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("features/outside.h5").path))

        // A patch file of another tile size fails the slide, naming both sizes.
        settings.tileSize = 128
        let mismatch = try ExtractPipeline.run([good], output: output, model: model, settings: settings)
        guard case let .failed(reason) = mismatch[0] else { return XCTFail("\(mismatch)") }
        XCTAssertTrue(reason.contains("good.h5") && reason.contains("are 64 px") && reason.contains("--tile-size is 128"), reason)
    }

    /// CLAM's patch file (h5py fixture: level 1, 256 px, origins up to x = 4096) is read, and
    /// offered for a 4000 px wide slide it fails on the origin past the right edge.
    func testCLAMPatchFileIsReadAndCheckedAgainstTheSlide() throws {
        let input = try addSlide("clam", coordinates: [])
        let patchFile = output.appendingPathComponent("patches/clam.h5")
        try FileManager.default.removeItem(at: patchFile)
        try FileManager.default.copyItem(at: repository.appendingPathComponent("Tests/Fixtures/h5/clam_patches.h5"), to: patchFile)
        let settings = tinySettings()
        let outcomes = try ExtractPipeline.run([input], output: output, model: ExtractModel(settings: settings), settings: settings)
        guard case let .failed(reason) = outcomes[0] else { return XCTFail("\(outcomes)") }
        XCTAssertTrue(reason.contains("clam.h5") && reason.contains("1 patch origin(s) lie outside") && reason.contains("(4096, "), reason)
    }

    func testWeightsFileErrorsNameTheFile() throws {
        var settings = tinySettings()
        settings.weights = folder.appendingPathComponent("absent.safetensors").path
        XCTAssertThrowsError(try ExtractModel(settings: settings)) { error in
            XCTAssertEqual(error as? ExtractError, .weightsUnreadable(path: settings.weights!, reason: "no such file or not readable"))
        }
        // ResNet-18 weights (base width 8) offered to a ResNet-50: the state dictionary check
        // lists the keys that do not fit.
        let resnet18 = repository.appendingPathComponent("Tests/Fixtures/resnet/resnet18_tiny_weights.safetensors")
        settings.weights = resnet18.path
        settings.baseWidth = 8
        settings.backbone = .resnet50Truncated
        XCTAssertThrowsError(try ExtractModel(settings: settings)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("resnet18_tiny_weights.safetensors") && text.contains("missing keys")
                          && text.contains("layer1.0.conv3.weight"), text)
        }
        settings.backbone = .resnet18
        let model = try ExtractModel(settings: settings)
        XCTAssertEqual(model.weightsLabel, "resnet18_tiny_weights.safetensors")
        XCTAssertFalse(model.isRandom)
        // sha256sum of the committed fixture.
        XCTAssertEqual(model.weightsChecksum, "a5972835e102cc0a2f2f7a9e44970e62e75bb3611cc8e36f012c75d15c0ef1d9")
        XCTAssertNotEqual(settings.fingerprint(weightsChecksum: model.weightsChecksum), settings.fingerprint(weightsChecksum: nil))
    }

    func testSettingsRejectBadValues() {
        var settings = tinySettings()
        settings.std = [0.2, 0, 0.2]
        XCTAssertThrowsError(try settings.validate())
        settings = tinySettings()
        settings.batchSize = 0
        XCTAssertThrowsError(try settings.validate()) { XCTAssertTrue("\($0)".contains("--batch-size"), "\($0)") }
        settings = tinySettings()
        XCTAssertThrowsError(try ExtractPipeline.run([SlideEntry(path: "x.tif"), SlideEntry(path: "y/x.tif")], output: output,
                                                     model: ExtractModel(settings: settings), settings: settings))
    }
}
