import Foundation
import Store
import XCTest

final class FeatureFileTests: XCTestCase {
    private let metadata = FeatureFileMetadata(
        backbone: "resnet50-trunc", weightsChecksum: "0123abcd", inputSize: 224, magnification: 20, mpp: 0.5,
        normalization: "imagenet", producerVersion: "0.1.0", configHash: "cfg1")

    private func writeBatches(to url: URL, dimension: Int, batches: [Int]) throws -> ([Float], [PatchCoordinate]) {
        let writer = try FeatureFileWriter(url: url, dimension: dimension, metadata: metadata, chunkRows: 3)
        var features: [Float] = [], coordinates: [PatchCoordinate] = []
        for batch in batches {
            let rows = coordinates.count
            let batchFeatures = (0..<(batch * dimension)).map { Float(rows * dimension + $0) * 0.5 }
            let batchCoordinates = (0..<batch).map { PatchCoordinate(x: 256 * (rows + $0), y: 7) }
            try writer.append(features: batchFeatures, coordinates: batchCoordinates)
            features += batchFeatures
            coordinates += batchCoordinates
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "the target appears only on finish")
        try writer.finish(expectedCount: coordinates.count)
        return (features, coordinates)
    }

    func testBatchedWriteRoundTripsAndIsComplete() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("features/slide.h5")
        let (features, coordinates) = try writeBatches(to: url, dimension: 4, batches: [2, 5, 0, 1])
        XCTAssertEqual(FeatureFile.status(at: url), .complete(tileCount: 8))
        let read = try FeatureFile.read(from: url)
        XCTAssertEqual(read.features, features)
        XCTAssertEqual(read.coordinates, coordinates)
        XCTAssertEqual(read.dimension, 4)
        XCTAssertEqual(read.count, 8)
        XCTAssertEqual(read.metadata, metadata)
        XCTAssertEqual(read.layout, .slideMIL)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.file("features").path), ["slide.h5"])
    }

    func testWrittenLayoutHasTheDocumentedTypes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("slide.h5")
        _ = try writeBatches(to: url, dimension: 3, batches: [2])
        let file = try HDF5File.open(url)
        defer { file.close() }
        XCTAssertEqual(try file.dataset("features").elementType(), .float(bits: 32))
        XCTAssertEqual(try file.dataset("coords").elementType(), .signedInteger(bits: 64))
        XCTAssertEqual(file.attributes["complete"], .integer(1))
        XCTAssertEqual(file.attributes["tile_count"], .integer(2))
        XCTAssertEqual(try file.dataset("features").attributes["encoder"], .string("resnet50-trunc"))
    }

    func testFileWithoutMarkerIsIncompleteAndRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("killed.h5")
        // What a writer killed before `finish` would have produced if it wrote in place.
        let file = try HDF5File.create(at: url)
        let features = try file.createDataset("features", values: [Float](repeating: 1, count: 6), shape: [3, 2])
        try features.attributes.set("slidemil_version", .string("0.1.0"))
        try file.createDataset("coords", values: [Int64](repeating: 0, count: 6), shape: [3, 2])
        file.close()
        XCTAssertEqual(FeatureFile.status(at: url), .incomplete(reason: "no completeness marker"))
        XCTAssertThrowsError(try FeatureFile.read(from: url)) { error in
            XCTAssertEqual(error as? StoreError, .incomplete(path: url.path, problem: "no completeness marker"))
        }
    }

    func testMarkerThatDisagreesWithTheRowsIsIncomplete() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("short.h5")
        _ = try writeBatches(to: url, dimension: 2, batches: [3])
        try FeatureFile.update(at: url) { file in try file.attributes.set("tile_count", .integer(4)) }
        guard case let .incomplete(reason) = FeatureFile.status(at: url) else {
            return XCTFail("a count mismatch must be incomplete")
        }
        XCTAssertTrue(reason.contains("4"), reason)
    }

    func testMissingAndUnreadableFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        XCTAssertEqual(FeatureFile.status(at: folder.file("none.h5")), .missing)
        let junk = folder.file("junk.h5")
        try Data(repeating: 0, count: 100).write(to: junk)
        guard case .incomplete = FeatureFile.status(at: junk) else { return XCTFail("junk must be incomplete") }
    }

    func testFinishWithWrongCountOrDiscardLeavesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("slide.h5")
        let writer = try FeatureFileWriter(url: url, dimension: 2, metadata: metadata)
        try writer.append(features: [1, 2, 3, 4], coordinates: [PatchCoordinate(x: 0, y: 0), PatchCoordinate(x: 1, y: 1)])
        XCTAssertThrowsError(try writer.append(features: [1, 2, 3], coordinates: [PatchCoordinate(x: 0, y: 0)]))
        XCTAssertThrowsError(try writer.finish(expectedCount: 3)) { error in
            XCTAssertEqual(error as? StoreError, .incomplete(path: url.path, problem: "2 of 3 tiles written"))
        }
        XCTAssertEqual(try folder.contents(), [])

        let abandoned = try FeatureFileWriter(url: url, dimension: 2, metadata: metadata)
        try abandoned.append(features: [1, 2], coordinates: [PatchCoordinate(x: 0, y: 0)])
        abandoned.discard()
        XCTAssertEqual(try folder.contents(), [])
        XCTAssertThrowsError(try abandoned.finish())
    }

    func testReleasedWriterCleansUp() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let writer = try FeatureFileWriter(url: folder.file("slide.h5"), dimension: 2, metadata: metadata)
            try writer.append(features: [1, 2], coordinates: [PatchCoordinate(x: 0, y: 0)])
        }
        XCTAssertEqual(try folder.contents(), [])
    }

    func testUpdateAddsAnAttentionDataset() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("slide.h5")
        _ = try writeBatches(to: url, dimension: 2, batches: [4])
        try FeatureFile.update(at: url) { file in
            try file.createDataset("attention", values: [Float(0.1), 0.2, 0.3, 0.4], shape: [4])
        }
        XCTAssertEqual(FeatureFile.status(at: url), .complete(tileCount: 4))
        let file = try HDF5File.open(url)
        defer { file.close() }
        XCTAssertEqual(try file.dataset("attention").read(as: Float.self), [0.1, 0.2, 0.3, 0.4])
        XCTAssertEqual(try folder.contents(), ["slide.h5"])
    }

    func testReadsCLAMFixtureWithInt32Coords() throws {
        let url = H5Fixture.url("clam_features.h5")
        let bag = try FeatureFile.read(from: url)
        XCTAssertEqual(bag.layout, .clam)
        XCTAssertNil(bag.metadata)
        XCTAssertEqual(bag.dimension, 8)
        XCTAssertEqual(bag.features, H5Fixture.features)
        XCTAssertEqual(bag.coordinates, H5Fixture.coordinates.map { PatchCoordinate(x: $0.x, y: $0.y) })
        let file = try HDF5File.open(url)
        XCTAssertEqual(try file.dataset("coords").elementType(), .signedInteger(bits: 32))
        file.close()
        // CLAM files carry no marker: fine to read, but never "complete" for resume purposes.
        XCTAssertEqual(FeatureFile.status(at: url), .incomplete(reason: "no completeness marker"))
    }

    func testReadsTRIDENTFixture() throws {
        let bag = try FeatureFile.read(from: H5Fixture.url("trident_features.h5"))
        XCTAssertEqual(bag.layout, .trident)
        XCTAssertEqual(bag.metadata?.backbone, "conch_v15")
        XCTAssertEqual(bag.features, H5Fixture.features)
        XCTAssertEqual(bag.coordinates.count, 5)
        XCTAssertEqual(bag.coordinates[2], PatchCoordinate(x: 2048, y: 1031))
    }
}
