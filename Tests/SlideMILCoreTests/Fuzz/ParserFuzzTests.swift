import Foundation
import MNISTBags
import NN
import Pipeline
import RunSupport
import Store
import Tensor
import XCTest

/// Seeded mutation tests of every parser that reads a user's file: each reads a few hundred to a
/// few thousand mutants of a valid file and must either succeed or throw an error that prints as
/// one line; a crash or a hang fails the suite. Iterations are fixed so the suite stays fast:
/// safetensors 2 x 600, IDX 2 x 2000, labels/slide-list CSV 1500, slides CSV 400, YAML config
/// 400, patch/feature/attention HDF5 4 x 150 (about 10 s together).
final class ParserFuzzTests: XCTestCase {
    /// Multiplies every iteration count (set SLIDEMIL_FUZZ_SCALE to search longer; set
    /// SLIDEMIL_FUZZ_SEED to shift every seed and explore other mutants).
    private let scale = Int(ProcessInfo.processInfo.environment["SLIDEMIL_FUZZ_SCALE"] ?? "") ?? 1
    private var folder: URL!
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Feeds `iterations` mutants of `original` to `parse`, which gets the bytes and a file
    /// holding them; checks every error it throws is one line.
    private func fuzz(_ name: String, _ original: [UInt8], iterations: Int, seed: UInt64, focus: Int = 512,
                      protected: [Range<Int>] = [], inPlace: Bool = false,
                      file: StaticString = #filePath, line: UInt = #line, _ parse: ([UInt8], URL) throws -> Void) throws {
        let seed = seed &+ (UInt64(ProcessInfo.processInfo.environment["SLIDEMIL_FUZZ_SEED"] ?? "") ?? 0)
        var mutator = ByteMutator(seed: seed, focus: focus, protected: protected, inPlace: inPlace)
        var failures = 0
        for iteration in 0..<(iterations * scale) {
            let bytes = mutator.mutate(original)
            let url = folder.appendingPathComponent("\(name)-\(iteration % 8)")
            try Data(bytes).write(to: url)
            do {
                try parse(bytes, url)
            } catch {
                failures += 1
                let text = "\(error)"
                if text.contains("\n") || text.contains("NSCocoaErrorDomain") || text.isEmpty {
                    XCTFail("\(name) mutant \(iteration) (seed \(seed)): error is not one line: \(text)", file: file, line: line)
                }
            }
        }
        // Mutants that parse are fine; none parsing would mean the seed file itself is broken.
        XCTAssertLessThan(failures, iterations * scale, "\(name): no mutant parsed", file: file, line: line)
    }

    func testSafeTensorsHeaderAndTensors() throws {
        let url = folder.appendingPathComponent("seed.safetensors")
        try SafeTensorsArchive.write(values: [
            "conv.weight": .float32(Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])),
            "bn.running_var": .float32(Tensor(shape: [3], storage: [1, 2, 3])),
            "bn.num_batches_tracked": .int64(shape: [], values: [7]),
        ], metadata: ["format": "pt"], to: url)
        let fixture = Self.repository.appendingPathComponent("Tests/Fixtures/safetensors/mixed_dtypes.safetensors")
        for (seed, original) in [(UInt64(1), url), (2, fixture)] {
            // The state dictionary a model would expect: the seed file's floating-point tensors.
            let seedArchive = try SafeTensorsArchive.read(contentsOf: original)
            let expected = seedArchive.entries.filter { $0.value.dtype.isDecodableAsFloat }.mapValues(\.shape)
            try fuzz("safetensors", [UInt8](try Data(contentsOf: original)), iterations: 600, seed: seed, focus: 300) { _, file in
                let archive = try SafeTensorsArchive.read(contentsOf: file)
                for name in archive.names {
                    if archive.entries[name]?.dtype == .int64 { _ = try? archive.int64Values(named: name) } else { _ = try? archive.tensor(named: name) }
                }
                // The fixture holds NaN and infinities on purpose, so loading it as weights fails.
                do {
                    _ = try StateDictionary(loading: archive, expected: expected, isIgnored: { seedArchive.entries[$0]?.dtype.isDecodableAsFloat == false })
                } catch {
                    XCTAssertFalse("\(error)".contains("\n"), "\(error)")
                }
            }
        }
    }

    func testIDXImagesAndLabels() throws {
        var images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5]
        images += (0..<60).map { UInt8($0 * 4) }
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 7, 1, 9]
        try fuzz("idx3", images, iterations: 2000, seed: 3, focus: 16) { bytes, _ in
            let parsed = try IDXFile.parseImages(bytes, source: "images.idx3")
            XCTAssertEqual(parsed.pixels.count, parsed.count * parsed.rows * parsed.columns)
        }
        try fuzz("idx1", labels, iterations: 2000, seed: 4, focus: 16) { bytes, _ in
            _ = try IDXFile.parseLabels(bytes, source: "labels.idx1")
        }
    }

    func testLabelAndSlideListCSV() throws {
        let text = "slide_id,label,split,case_id\r\ns01,tumor,train,c1\n\"s,02\",\"normal \"\"x\"\"\",val,c1\ns03,tumor,,c2\n\n"
        try fuzz("csv", [UInt8](text.utf8), iterations: 1500, seed: 5, focus: 128) { bytes, file in
            let table = try CSVTable.parse(String(decoding: bytes, as: UTF8.self), source: "labels.csv")
            _ = try SlideLabelTable.parse(table, source: "labels.csv")
            _ = try SlideList.read(from: file)
        }
    }

    func testSlidesCSVForTiling() throws {
        let slide = Self.repository.appendingPathComponent("slides-sample/synthetic_0.tif").path
        let text = "slide_id,path,mpp\na,\(slide),0.25\nb,\(slide),\n"
        try fuzz("slides.csv", [UInt8](text.utf8), iterations: 400, seed: 6, focus: 64) { _, file in
            let csv = file.appendingPathExtension("csv")
            try? FileManager.default.removeItem(at: csv)
            try FileManager.default.copyItem(at: file, to: csv)
            _ = try SlideEntry.resolve(csv.path)
        }
    }

    func testPipelineYAMLConfig() throws {
        let original = try Data(contentsOf: Self.repository.appendingPathComponent("configs/camelyon16.yaml"))
        try fuzz("config", [UInt8](original), iterations: 400, seed: 7, focus: original.count) { _, file in
            _ = try PipelineConfig.load(file: file)
        }
    }

    func testPatchFeatureAndAttentionHDF5Readers() throws {
        let patches = folder.appendingPathComponent("patches.h5")
        try PatchFile(metadata: PatchFileMetadata(slideID: "s", patchSize: 256, patchLevel: 0, downsample: (1, 1), levelSize: (2048, 2048),
                                                  mpp: 0.5, targetMPP: 0.5, producerVersion: "t", configHash: "c"),
                      coordinates: (0..<40).map { PatchCoordinate(x: 256 * ($0 % 8), y: 256 * ($0 / 8)) }).write(to: patches)
        let features = folder.appendingPathComponent("features.h5")
        let writer = try FeatureFileWriter(url: features, dimension: 8, metadata: FeatureFileMetadata(backbone: "resnet18", inputSize: 224))
        try writer.append(features: (0..<80).map(Float.init), coordinates: (0..<10).map { PatchCoordinate(x: $0, y: 0) })
        try writer.finish()
        let attention = folder.appendingPathComponent("attention.h5")
        try HeatmapScores(coordinates: (0..<10).map { PatchCoordinate(x: 256 * $0, y: 0) }, attention: [Float](repeating: 0.1, count: 10),
                          patchSizeLevel0: 256, probability: 0.5).write(to: attention)
        let clam = Self.repository.appendingPathComponent("Tests/Fixtures/h5/clam_patches.h5")

        // HDF5 1.10's global heap (variable-length strings) has no bounds checks: a damaged heap
        // collection crashes H5HG_read inside the library, which no caller can prevent. Those
        // bytes ("GCOL" collections) are left intact, edits keep offsets, and everything else
        // (superblock, object headers, B-trees, local heaps, data) is mutated.
        func hdf5(_ name: String, _ url: URL, seed: UInt64, iterations: Int, _ read: @escaping (URL) throws -> Void) throws {
            let bytes = [UInt8](try Data(contentsOf: url))
            try fuzz(name, bytes, iterations: iterations, seed: seed, focus: 4096, protected: Self.globalHeaps(in: bytes), inPlace: true) { _, file in
                try read(file)
            }
        }
        try hdf5("patches", patches, seed: 8, iterations: 150) { _ = try PatchFile.read(from: $0) }
        try hdf5("clam-patches", clam, seed: 9, iterations: 150) { _ = try PatchFile.read(from: $0) }
        try hdf5("features", features, seed: 10, iterations: 150) {
            _ = FeatureFile.status(at: $0)
            _ = try FeatureFile.read(from: $0)
        }
        try hdf5("attention", attention, seed: 11, iterations: 150) { _ = try HeatmapScores.read(from: $0) }
    }

    /// Byte ranges of the HDF5 global heap collections in `bytes` ("GCOL", version, 3 reserved
    /// bytes, then the collection size as 8 little-endian bytes).
    private static func globalHeaps(in bytes: [UInt8]) -> [Range<Int>] {
        let magic = Array("GCOL".utf8)
        var ranges: [Range<Int>] = []
        var index = 0
        while index + 16 <= bytes.count {
            if Array(bytes[index..<(index + 4)]) == magic {
                let size = (0..<8).reduce(0) { $0 | Int(bytes[index + 8 + $1]) << (8 * $1) }
                ranges.append(index..<min(bytes.count, index + max(size, 16)))
                index += max(size, 16)
            } else {
                index += 1
            }
        }
        return ranges
    }
}
