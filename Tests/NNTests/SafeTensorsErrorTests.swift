import Foundation
import NN
import Tensor
import XCTest

final class SafeTensorsErrorTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try makeSafeTensorsScratchFolder()
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    /// Writes a file of `declaredLength` (default: the header's length), `header` and `dataBytes` zero bytes.
    private func rawFile(_ header: String, dataBytes: Int = 0, declaredLength: UInt64? = nil) throws -> URL {
        let url = folder.appendingPathComponent("raw-\(UUID().uuidString).safetensors")
        var bytes = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(header.utf8.count)).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(contentsOf: [UInt8](repeating: 0, count: dataBytes))
        try bytes.write(to: url)
        return url
    }

    /// Asserts that reading `url` throws exactly `expected`, whose description is one line naming the file.
    private func assertReadFails(_ url: URL, _ expected: (String) -> SafeTensorsError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensorsArchive.read(contentsOf: url), file: file, line: line) { error in
            XCTAssertEqual(error as? SafeTensorsError, expected(url.path), file: file, line: line)
            assertOneLineNaming(url, error, file: file, line: line)
        }
    }

    private func assertOneLineNaming(_ url: URL, _ error: Error, file: StaticString = #filePath, line: UInt = #line) {
        let text = String(describing: error)
        XCTAssertTrue(text.hasPrefix(url.path + ": "), text, file: file, line: line)
        XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
    }

    private func entry(_ name: String, _ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(begin),\#(end)]}"#
    }

    func testMissingFileIsUnreadable() {
        let url = folder.appendingPathComponent("absent.safetensors")
        XCTAssertThrowsError(try SafeTensorsArchive.read(contentsOf: url)) { error in
            guard case .unreadable(let file, _)? = error as? SafeTensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, url.path)
            assertOneLineNaming(url, error)
        }
    }

    func testTruncatedFiles() throws {
        let tiny = folder.appendingPathComponent("tiny.safetensors")
        try Data([1, 2, 3]).write(to: tiny)
        assertReadFails(tiny) { .truncated(file: $0, expectedBytes: 8, actualBytes: 3) }

        assertReadFails(try rawFile("{}", declaredLength: 100)) { .truncated(file: $0, expectedBytes: 108, actualBytes: 10) }

        let header = "{" + entry("w", "F32", [4], 0, 16) + "}"
        assertReadFails(try rawFile(header, dataBytes: 10)) {
            .truncated(file: $0, expectedBytes: 8 + header.utf8.count + 16, actualBytes: 8 + header.utf8.count + 10)
        }

        let whole = folder.appendingPathComponent("whole.safetensors")
        try SafeTensorsArchive.write(["a": Tensor(shape: [3, 3], repeating: 1), "b": Tensor(shape: [5], repeating: 2)], to: whole)
        let bytes = try Data(contentsOf: whole)
        let cut = folder.appendingPathComponent("cut.safetensors")
        try bytes.prefix(bytes.count - 4).write(to: cut)
        assertReadFails(cut) { .truncated(file: $0, expectedBytes: bytes.count, actualBytes: bytes.count - 4) }
    }

    func testAbsurdHeaderLength() throws {
        assertReadFails(try rawFile("{}", declaredLength: UInt64.max)) { .absurdHeaderLength(file: $0, headerLength: UInt64.max) }
        assertReadFails(try rawFile("{}", declaredLength: 100_000_001)) { .absurdHeaderLength(file: $0, headerLength: 100_000_001) }
    }

    func testHeaderThatIsNotAJSONObject() throws {
        for header in ["not json", "{\"a\":", "[1, 2]", "\"text\""] {
            let url = try rawFile(header)
            XCTAssertThrowsError(try SafeTensorsArchive.read(contentsOf: url), header) { error in
                guard case .badHeader? = error as? SafeTensorsError else { return XCTFail("\(header): \(error)") }
                assertOneLineNaming(url, error)
            }
        }
        assertReadFails(try rawFile(#"{"__metadata__":{"epochs":3}}"#)) { .badHeader(file: $0, reason: "__metadata__ is not a map of strings") }
    }

    func testMalformedEntries() throws {
        let cases: [(String, Int)] = [
            (#"{"w":[1,2]}"#, 0),
            (#"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, 4),
            (#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4),
            (#"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, 4),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, 4),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, 4),
            (#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, 4),
            (#"{"w":{"dtype":"F16","shape":[4611686018427387904, 4],"data_offsets":[0,4]}}"#, 4),
        ]
        for (header, dataBytes) in cases {
            let url = try rawFile(header, dataBytes: dataBytes)
            XCTAssertThrowsError(try SafeTensorsArchive.read(contentsOf: url), header) { error in
                guard case .badEntry(_, let tensor, _)? = error as? SafeTensorsError else { return XCTFail("\(header): \(error)") }
                XCTAssertEqual(tensor, "w")
                assertOneLineNaming(url, error)
            }
        }
    }

    func testOverlappingGappedAndUncoveredData() throws {
        let overlap = "{" + entry("a", "F32", [2], 0, 8) + "," + entry("b", "F32", [2], 4, 12) + "}"
        assertReadFails(try rawFile(overlap, dataBytes: 12)) { .overlappingData(file: $0, first: "a", second: "b") }

        let inside = "{" + entry("a", "F32", [4], 0, 16) + "," + entry("b", "F32", [0], 8, 8) + "}"
        assertReadFails(try rawFile(inside, dataBytes: 16)) { .overlappingData(file: $0, first: "a", second: "b") }

        let gap = "{" + entry("a", "F32", [1], 0, 4) + "," + entry("b", "F32", [1], 8, 12) + "}"
        assertReadFails(try rawFile(gap, dataBytes: 12)) { .uncoveredData(file: $0, byteRange: 4 ..< 8) }

        let leading = "{" + entry("a", "F32", [1], 4, 8) + "}"
        assertReadFails(try rawFile(leading, dataBytes: 8)) { .uncoveredData(file: $0, byteRange: 0 ..< 4) }

        let trailing = "{" + entry("a", "F32", [1], 0, 4) + "}"
        assertReadFails(try rawFile(trailing, dataBytes: 7)) { .uncoveredData(file: $0, byteRange: 4 ..< 7) }

        assertReadFails(try rawFile("{}", dataBytes: 1)) { .uncoveredData(file: $0, byteRange: 0 ..< 1) }
    }

    func testUnknownDTypeFailsOnOpenAndUndecodableDTypesFailOnAccess() throws {
        assertReadFails(try rawFile("{" + entry("q", "Q7", [1], 0, 1) + "}", dataBytes: 1)) {
            .unsupportedDType(file: $0, tensor: "q", dtype: "Q7")
        }

        let header = "{" + entry("d", "F64", [1], 0, 8) + "," + entry("n", "I64", [1], 8, 16) + "," + entry("u", "U8", [2], 16, 18) + "," + entry("f", "F32", [1], 18, 22) + "}"
        let url = try rawFile(header, dataBytes: 22)
        let archive = try SafeTensorsArchive.read(contentsOf: url)
        let path = url.path
        XCTAssertThrowsError(try archive.tensor(named: "d")) {
            XCTAssertEqual($0 as? SafeTensorsError, .unsupportedDType(file: path, tensor: "d", dtype: "F64"))
        }
        XCTAssertThrowsError(try archive.tensor(named: "n")) {
            XCTAssertEqual($0 as? SafeTensorsError, .dtypeMismatch(file: path, tensor: "n", expected: "F32, F16 or BF16", found: .int64))
            self.assertOneLineNaming(url, $0)
        }
        XCTAssertThrowsError(try archive.tensor(named: "u")) {
            XCTAssertEqual($0 as? SafeTensorsError, .dtypeMismatch(file: path, tensor: "u", expected: "F32, F16 or BF16", found: .uint8))
        }
        XCTAssertThrowsError(try archive.int64Values(named: "f")) {
            XCTAssertEqual($0 as? SafeTensorsError, .dtypeMismatch(file: path, tensor: "f", expected: "I64", found: .float32))
        }
        XCTAssertEqual(try archive.tensor(named: "f").storage, [0], "unaligned F32 data still decodes")
    }

    func testShapeMismatchAndMissingTensor() throws {
        let url = folder.appendingPathComponent("w.safetensors")
        try SafeTensorsArchive.write(["conv1.weight": Tensor(shape: [8, 3, 7, 7])], to: url)
        let archive = try SafeTensorsArchive.read(contentsOf: url)
        XCTAssertEqual(try archive.tensor(named: "conv1.weight", shape: [8, 3, 7, 7]).shape, [8, 3, 7, 7])
        XCTAssertThrowsError(try archive.tensor(named: "conv1.weight", shape: [64, 3, 7, 7])) {
            XCTAssertEqual($0 as? SafeTensorsError, .shapeMismatch(file: url.path, tensor: "conv1.weight", expected: [64, 3, 7, 7], found: [8, 3, 7, 7]))
            XCTAssertEqual(String(describing: $0), "\(url.path): tensor 'conv1.weight' has shape [8, 3, 7, 7], expected [64, 3, 7, 7]")
        }
        XCTAssertThrowsError(try archive.tensor(named: "fc.weight")) {
            XCTAssertEqual($0 as? SafeTensorsError, .missingTensor(file: url.path, tensor: "fc.weight"))
        }
        XCTAssertThrowsError(try archive.int64Values(named: "bn1.num_batches_tracked")) {
            XCTAssertEqual($0 as? SafeTensorsError, .missingTensor(file: url.path, tensor: "bn1.num_batches_tracked"))
        }
    }

    func testWriterRejectsBadNamesPayloadsAndMissingFolders() throws {
        let url = folder.appendingPathComponent("out.safetensors")
        for name in ["", "__metadata__"] {
            XCTAssertThrowsError(try SafeTensorsArchive.write([name: Tensor(shape: [1])], to: url)) {
                XCTAssertEqual($0 as? SafeTensorsError, .invalidName(file: url.path, tensor: name))
            }
        }
        XCTAssertThrowsError(try SafeTensorsArchive.write(values: ["n": .int64(shape: [2, 2], values: [1, 2, 3])], to: url)) {
            guard case .badEntry(_, "n", _)? = $0 as? SafeTensorsError else { return XCTFail("\($0)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "nothing written after a rejected call")

        let nowhere = folder.appendingPathComponent("no-such-folder/out.safetensors")
        XCTAssertThrowsError(try SafeTensorsArchive.write(["x": Tensor(shape: [1])], to: nowhere)) { error in
            guard case .writeFailed? = error as? SafeTensorsError else { return XCTFail("\(error)") }
            assertOneLineNaming(nowhere, error)
        }
    }
}
