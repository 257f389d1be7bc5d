import Foundation
import NN
import Tensor
import XCTest

final class SafeTensorsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try makeSafeTensorsScratchFolder()
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    func testRoundTripKeepsShapesBitsAndMetadata() throws {
        let shapes: [String: [Int]] = [
            "conv.weight": [4, 3, 3, 3], "fc.bias": [7], "scalar": [], "empty": [0, 5], "wide": [1, 1, 1, 300],
        ]
        var tensors: [String: Tensor] = [:]
        for (offset, (name, shape)) in shapes.sorted(by: { $0.key < $1.key }).enumerated() {
            // Scrambled bit patterns: every exponent, subnormals and NaN payloads must survive.
            let storage = (0 ..< shape.reduce(1, *)).map { Float(bitPattern: UInt32(truncatingIfNeeded: ($0 + 1000 * offset) &* 2_654_435_761)) }
            tensors[name] = Tensor(shape: shape, storage: storage)
        }
        tensors["specials"] = Tensor(shape: [6], storage: [.infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .pi])
        let metadata = ["format": "pt", "note": "tab\there, quote \" and \\ and é and \u{1}"]
        let url = folder.appendingPathComponent("model.safetensors")

        try SafeTensorsArchive.write(tensors, metadata: metadata, to: url)
        let archive = try SafeTensorsArchive.read(contentsOf: url)

        XCTAssertEqual(archive.metadata, metadata)
        XCTAssertEqual(archive.names, tensors.keys.sorted())
        for (name, tensor) in tensors {
            let read = try archive.tensor(named: name)
            XCTAssertEqual(read.shape, tensor.shape, name)
            XCTAssertEqual(read.storage.map(\.bitPattern), tensor.storage.map(\.bitPattern), name)
            XCTAssertEqual(try archive.entry(named: name).dtype, .float32)
        }
    }

    func testRoundTripOfInt64AndFloatTogetherKeepsEveryTensorAligned() throws {
        let url = folder.appendingPathComponent("mixed.safetensors")
        let values: [String: SafeTensorsValue] = [
            "a.weight": .float32(Tensor(shape: [3], storage: [1, 2, 3])),
            "b.num_batches_tracked": .int64(shape: [], values: [Int64.max]),
            "c.labels": .int64(shape: [2, 2], values: [Int64.min, -1, 0, 9]),
            "d.bias": .float32(Tensor(shape: [1], storage: [-4])),
        ]
        try SafeTensorsArchive.write(values: values, to: url)
        let archive = try SafeTensorsArchive.read(contentsOf: url)

        XCTAssertEqual(archive.metadata, [:])
        XCTAssertEqual(try archive.int64Values(named: "b.num_batches_tracked"), [Int64.max])
        XCTAssertEqual(try archive.int64Values(named: "c.labels"), [Int64.min, -1, 0, 9])
        XCTAssertEqual(try archive.entry(named: "c.labels").shape, [2, 2])
        XCTAssertEqual(try archive.tensor(named: "a.weight").storage, [1, 2, 3])
        XCTAssertEqual(try archive.tensor(named: "d.bias").storage, [-4])

        let bytes = try Data(contentsOf: url)
        let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(headerLength % 8, 0, "header padded to a multiple of 8")
        for entry in archive.entries.values {
            XCTAssertEqual((8 + headerLength + entry.byteRange.lowerBound) % entry.dtype.byteCount, 0, entry.name)
        }
    }

    func testWrittenHeaderIsSortedCompactAndSpacePadded() throws {
        let url = folder.appendingPathComponent("small.safetensors")
        try SafeTensorsArchive.write(
            ["b": Tensor(shape: [2], storage: [1, 2]), "a": Tensor(shape: [1, 1], storage: [0.5])],
            metadata: ["z": "1", "k": "v"], to: url
        )
        let bytes = try Data(contentsOf: url)
        // Written out by hand from the format: data ordered by name (same dtype), offsets relative to the data start.
        let json = #"{"__metadata__":{"k":"v","z":"1"},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        let padded = json + String(repeating: " ", count: (8 - json.utf8.count % 8) % 8)
        XCTAssertEqual(bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }, padded.utf8.count)
        XCTAssertEqual(String(decoding: bytes[8 ..< 8 + padded.utf8.count], as: UTF8.self), padded)
        let data = [Float(0.5), 1, 2].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        XCTAssertEqual(Array(bytes[(8 + padded.utf8.count)...]), data)
    }

    func testWriteReplacesAnExistingFileAndLeavesNoTemporaryFile() throws {
        let url = folder.appendingPathComponent("weights.safetensors")
        try SafeTensorsArchive.write(["x": Tensor(shape: [2], storage: [1, 2])], to: url)
        try SafeTensorsArchive.write(["y": Tensor(shape: [1], storage: [3])], to: url)

        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["weights.safetensors"])
        let archive = try SafeTensorsArchive.read(contentsOf: url)
        XCTAssertEqual(archive.names, ["y"])
        XCTAssertEqual(try archive.tensor(named: "y").storage, [3])
    }

    func testWritingAnEmptyDictionaryGivesAReadableEmptyArchive() throws {
        let url = folder.appendingPathComponent("empty.safetensors")
        try SafeTensorsArchive.write([:], to: url)
        let archive = try SafeTensorsArchive.read(contentsOf: url)
        XCTAssertEqual(archive.names, [])
        XCTAssertEqual(try Data(contentsOf: url).count, 16, "8-byte length + \"{}\" padded to 8")
    }

    func testReadsEveryDTypeOfAFileMadeByTheReferencePackage() throws {
        let url = safeTensorsFixture("safetensors/mixed_dtypes.safetensors")
        let archive = try SafeTensorsArchive.read(contentsOf: url)

        XCTAssertEqual(archive.metadata, ["format": "pt", "note": "quote \" backslash \\ accent é"])
        XCTAssertEqual(archive.names, ["bf16", "bn.num_batches_tracked", "empty", "f16", "f32", "i64", "scalar"])

        let f32 = try archive.tensor(named: "f32")
        XCTAssertEqual(f32.shape, [2, 3])
        XCTAssertEqual(f32.storage.map(\.bitPattern), [1, -2.5, Float(0.1), .greatestFiniteMagnitude, .leastNonzeroMagnitude, -0.0].map(\.bitPattern))

        let f16 = try archive.tensor(named: "f16")
        XCTAssertEqual(try archive.entry(named: "f16").dtype, .float16)
        XCTAssertEqual(f16.shape, [9])
        let f16Expected: [Float] = [1, -2, 65504, 0x1p-24, 0x1p-14, .infinity, -0.0, .nan, 0x1.554p-2]
        for (index, (found, expected)) in zip(f16.storage, f16Expected).enumerated() where !expected.isNaN {
            XCTAssertEqual(found.bitPattern, expected.bitPattern, "f16[\(index)]: \(found) vs \(expected)")
        }
        XCTAssertTrue(f16.storage[7].isNaN)

        let bf16 = try archive.tensor(named: "bf16")
        XCTAssertEqual(try archive.entry(named: "bf16").dtype, .bfloat16)
        XCTAssertEqual(bf16.shape, [2, 3])
        let bf16Expected: [Float] = [1, -3, 0x1p-133, 0x1.FEp127, -.infinity, 0x1.56p-2]
        XCTAssertEqual(bf16.storage.map(\.bitPattern), bf16Expected.map(\.bitPattern))

        XCTAssertEqual(try archive.int64Values(named: "i64"), [Int64.min, Int64.max, -1, 42])
        XCTAssertEqual(try archive.entry(named: "i64").shape, [2, 2])
        XCTAssertEqual(try archive.int64Values(named: "bn.num_batches_tracked"), [7])
        XCTAssertEqual(try archive.entry(named: "bn.num_batches_tracked").shape, [])
        XCTAssertEqual(try archive.tensor(named: "scalar"), Tensor(shape: [], storage: [0.5]))
        XCTAssertEqual(try archive.tensor(named: "empty"), Tensor(shape: [0, 3]))
    }

    func testReadsTheResNetReferenceWeights() throws {
        let archive = try SafeTensorsArchive.read(contentsOf: safeTensorsFixture("resnet/resnet18_tiny_weights.safetensors"))
        XCTAssertEqual(archive.names.count, 122, "torchvision ResNet-18 state_dict size")
        XCTAssertEqual(try archive.entry(named: "conv1.weight").shape, [8, 3, 7, 7])
        XCTAssertEqual(try archive.entry(named: "layer4.1.conv2.weight").shape, [64, 64, 3, 3])
        XCTAssertEqual(try archive.entry(named: "fc.weight").shape, [10, 64])
        let counters = archive.names.filter { $0.hasSuffix(".num_batches_tracked") }
        XCTAssertEqual(counters.count, 20, "one per BatchNorm layer")
        for name in counters {
            XCTAssertEqual(try archive.int64Values(named: name), [12345], name)
        }
        let variance = try archive.tensor(named: "bn1.running_var")
        XCTAssertTrue(variance.storage.allSatisfy { $0 > 0 && $0.isFinite })
    }
}

extension XCTestCase {
    /// A fresh empty folder under the system temporary directory; the caller removes it.
    func makeSafeTensorsScratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A committed fixture under `Tests/Fixtures/`.
    func safeTensorsFixture(_ relativePath: String) -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
            .appendingPathComponent(relativePath)
    }
}
