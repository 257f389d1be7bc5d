import Foundation
import Store
import XCTest

/// Every writer on a full or read-only disk: a one-line `StoreError` naming the target and the
/// system's reason, no file under the final name, no temporary file left, no crash; and with
/// enough space the same write succeeds. Fill levels step through the size of each file, so the
/// disk runs out in different calls (file creation, data, metadata, flush, close, fsync).
final class DiskFullTests: XCTestCase {
    private var disk: SmallDisk!

    override func setUpWithError() throws {
        disk = try SmallDisk()
    }

    override func tearDown() {
        disk?.remove()
    }

    private let noSpace = "No space left on device"

    /// Runs `write` with about `free` bytes free; returns nil when it succeeded, else the error
    /// after checking it names `target` and the lack of space, and that nothing was left behind.
    private func attempt(leavingFree free: Int, target: URL, folder: String,
                         file: StaticString = #filePath, line: UInt = #line, _ write: () throws -> Void) throws -> Error? {
        try disk.leaveFree(free)
        do {
            try write()
            return nil
        } catch {
            XCTAssertEqual("\(error)", "\(target.path): write failed (\(noSpace))", "with \(free) bytes free", file: file, line: line)
            XCTAssertEqual(disk.contents(folder), [], "with \(free) bytes free: nothing left in \(folder)/", file: file, line: line)
            return error
        }
    }

    func testAtomicDataWriteReportsNoSpaceAndLeavesNothing() throws {
        let target = disk.url.appendingPathComponent("out/list.csv")
        try AtomicFile.createFolder(target.deletingLastPathComponent())
        let payload = Data(repeating: 65, count: 300_000)
        var failures = 0
        for free in [0, 4096, 100_000, 250_000] {
            if try attempt(leavingFree: free, target: target, folder: "out", { try AtomicFile.write(payload, to: target) }) != nil {
                failures += 1
            }
        }
        XCTAssertEqual(failures, 4)
        try disk.leaveFree(600_000)
        try AtomicFile.write(payload, to: target)
        XCTAssertEqual(try Data(contentsOf: target), payload)
    }

    func testFailedWriteKeepsThePreviousVersion() throws {
        let target = disk.url.appendingPathComponent("process_list.csv")
        try AtomicFile.write(Data("old\n".utf8), to: target)
        try disk.leaveFree(0)
        XCTAssertThrowsError(try AtomicFile.write(Data(repeating: 66, count: 200_000), to: target))
        XCTAssertEqual(String(decoding: try Data(contentsOf: target), as: UTF8.self), "old\n")
        XCTAssertEqual(disk.contents(), ["process_list.csv"])
    }

    func testPatchFileAtSeveralFillLevels() throws {
        let target = disk.url.appendingPathComponent("patches/slide.h5")
        try AtomicFile.createFolder(target.deletingLastPathComponent())
        let coordinates = (0..<6000).map { PatchCoordinate(x: 256 * ($0 % 100), y: 256 * ($0 / 100)) }
        let patches = PatchFile(metadata: PatchFileMetadata(slideID: "slide", patchSize: 256, patchLevel: 0, downsample: (1, 1),
                                                            levelSize: (25600, 15360)), coordinates: coordinates)
        var failed = 0, succeeded = 0
        // The file is about 100 kB.
        for free in stride(from: 0, through: 160_000, by: 16_000) {
            if try attempt(leavingFree: free, target: target, folder: "patches", { try patches.write(to: target) }) == nil {
                succeeded += 1
                XCTAssertEqual(try PatchFile.read(from: target).coordinates, coordinates, "with \(free) bytes free")
                try FileManager.default.removeItem(at: target)
            } else {
                failed += 1
            }
        }
        XCTAssertGreaterThan(failed, 3)
        XCTAssertGreaterThan(succeeded, 0)
    }

    func testFeatureFileWriterAtSeveralFillLevels() throws {
        let target = disk.url.appendingPathComponent("features/slide.h5")
        try AtomicFile.createFolder(target.deletingLastPathComponent())
        let metadata = FeatureFileMetadata(backbone: "resnet50-trunc", weightsChecksum: "00", inputSize: 224, magnification: 20,
                                           mpp: 0.5, normalization: "imagenet", producerVersion: "test", configHash: "c")
        let rows = 1200, width = 128, batch = 100
        var failed = 0, succeeded = 0
        // The file is about 620 kB: the disk runs out while creating, appending, flushing and closing.
        for free in [0, 2_000, 8_000, 40_000, 150_000, 300_000, 450_000, 560_000, 610_000, 900_000] {
            let error = try attempt(leavingFree: free, target: target, folder: "features") {
                let writer = try FeatureFileWriter(url: target, dimension: width, metadata: metadata, chunkRows: 64)
                for start in stride(from: 0, to: rows, by: batch) {
                    let features = (0..<(batch * width)).map { Float(start * width + $0) }
                    try writer.append(features: features, coordinates: (start..<(start + batch)).map { PatchCoordinate(x: $0, y: 0) })
                }
                try writer.finish(expectedCount: rows)
            }
            if error == nil {
                succeeded += 1
                let read = try FeatureFile.read(from: target)
                XCTAssertEqual(read.count, rows)
                XCTAssertEqual(read.features.last, Float(rows * width - 1))
                try FileManager.default.removeItem(at: target)
            } else {
                failed += 1
            }
        }
        XCTAssertGreaterThan(failed, 3)
        XCTAssertGreaterThan(succeeded, 0)
        // A failed write gave its space back (the temporary file is gone, not merely unlinked).
        try disk.leaveFree(1_000_000)
        XCTAssertGreaterThan(disk.freeBytes, 900_000)
    }

    func testReadOnlyDiskGivesOneLine() throws {
        try disk.setReadOnly(true)
        defer { try? disk.setReadOnly(false) }
        let csv = disk.url.appendingPathComponent("list.csv")
        XCTAssertThrowsError(try AtomicFile.write(Data("a\n".utf8), to: csv)) { error in
            XCTAssertEqual("\(error)", "\(csv.path): write failed (Read-only file system)")
        }
        let nested = disk.url.appendingPathComponent("patches/slide.h5")
        XCTAssertThrowsError(try PatchFile(metadata: PatchFileMetadata(slideID: "s", patchSize: 256, patchLevel: 0, downsample: (1, 1),
                                                                       levelSize: (512, 512)), coordinates: []).write(to: nested)) { error in
            XCTAssertEqual("\(error)", "\(nested.path): write failed (cannot create folder \(nested.deletingLastPathComponent().path): Read-only file system)")
        }
        let features = disk.url.appendingPathComponent("f.h5")
        XCTAssertThrowsError(try FeatureFileWriter(url: features, dimension: 4, metadata: FeatureFileMetadata(
            backbone: "b", weightsChecksum: "0", inputSize: 224, magnification: nil, mpp: nil, normalization: "n",
            producerVersion: "t", configHash: "c"))) { error in
            XCTAssertEqual("\(error)", "\(features.path): write failed (Read-only file system)")
        }
    }
}
