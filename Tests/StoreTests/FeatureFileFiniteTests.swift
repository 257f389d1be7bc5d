import Foundation
import Store
import XCTest

/// A feature file with NaN or infinity would be marked done and poison every model trained on
/// it; with `requireFinite` (as extraction writes) the writer refuses such rows and leaves no file.
final class FeatureFileFiniteTests: XCTestCase {
    func testNonFiniteFeatureIsRefusedNamingRowAndTile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("features/slide.h5")
        let writer = try FeatureFileWriter(url: url, dimension: 3, metadata: FeatureFileMetadata(backbone: "resnet18"), requireFinite: true)
        try writer.append(features: [1, 2, 3, 4, 5, 6], coordinates: [PatchCoordinate(x: 0, y: 0), PatchCoordinate(x: 256, y: 0)])
        XCTAssertThrowsError(try writer.append(features: [1, 2, 3, 4, .nan, 6],
                                               coordinates: [PatchCoordinate(x: 512, y: 0), PatchCoordinate(x: 768, y: 256)])) { error in
            XCTAssertEqual("\(error)", "\(url.path): 'features' row 3 (tile at level-0 (768, 256)) holds NaN or infinity; the file was not written")
        }
        XCTAssertThrowsError(try writer.finish(), "a refused writer cannot be finished")
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.file("features").path), [])
    }

    func testInfinityIsRefusedToo() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try FeatureFileWriter(url: folder.file("s.h5"), dimension: 2, metadata: FeatureFileMetadata(backbone: "b"), requireFinite: true)
        XCTAssertThrowsError(try writer.append(features: [-.infinity, 0], coordinates: [PatchCoordinate(x: 3, y: 4)])) { error in
            guard case .nonFinite(_, "features", 0, _)? = error as? StoreError else { return XCTFail("\(error)") }
        }
    }

    func testWithoutRequireFiniteAnyValueIsStored() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("foreign.h5")
        let writer = try FeatureFileWriter(url: url, dimension: 1, metadata: FeatureFileMetadata(backbone: "b"))
        try writer.append(features: [.nan], coordinates: [PatchCoordinate(x: 0, y: 0)])
        try writer.finish()
        XCTAssertTrue(try FeatureFile.read(from: url).features[0].isNaN)
    }
}
