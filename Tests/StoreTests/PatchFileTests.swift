import Foundation
import Store
import XCTest

final class PatchFileTests: XCTestCase {
    private func sampleMetadata() -> PatchFileMetadata {
        PatchFileMetadata(
            slideID: "tumor_001", patchSize: 256, patchLevel: 1, downsample: (4.000120, 3.999880),
            levelSize: (24000, 18000), level0Size: (96000, 72000), level0Magnification: 40,
            targetMagnification: 10, overlap: 0, saveFolder: "out/patches", mpp: 0.2431, targetMPP: 0.97,
            tissueThreshold: 0.5, producerVersion: "0.1.0", configHash: "abc123")
    }

    func testRoundTripKeepsCoordinatesAndEveryAttribute() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("patches/tumor_001.h5")
        let coordinates = (0..<5000).map { PatchCoordinate(x: 1024 * ($0 % 90), y: 1024 * ($0 / 90) + 3) }
        let written = PatchFile(metadata: sampleMetadata(), coordinates: coordinates)
        try written.write(to: url)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.file("patches").path), ["tumor_001.h5"])

        let read = try PatchFile.read(from: url)
        XCTAssertEqual(read, written)
        // The footprint follows CLAM's rule: patch_size x downsample, rounded.
        XCTAssertEqual(read.metadata.patchSizeLevel0, 1024)
        XCTAssertEqual(read.metadata.layout, .slideMIL)
    }

    func testWrittenFileCarriesCLAMAndTRIDENTAttributesWithTheirTypes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("a.h5")
        try PatchFile(metadata: sampleMetadata(), coordinates: [PatchCoordinate(x: 1, y: 2)]).write(to: url)
        let file = try HDF5File.open(url)
        defer { file.close() }
        let coords = try file.dataset("coords")
        XCTAssertEqual(try coords.elementType(), .signedInteger(bits: 64))
        XCTAssertEqual(try coords.shape(), [1, 2])
        let attributes = coords.attributes
        XCTAssertEqual(attributes["patch_size"], .integer(256))
        XCTAssertEqual(attributes["patch_level"], .integer(1))
        XCTAssertEqual(attributes["downsample"], .reals([4.000120, 3.999880]))
        XCTAssertEqual(attributes["downsampled_level_dim"], .integers([24000, 18000]))
        XCTAssertEqual(attributes["level_dim"], .integers([24000, 18000]))
        XCTAssertEqual(attributes["name"], .string("tumor_001"))
        XCTAssertEqual(attributes["save_path"], .string("out/patches"))
        XCTAssertEqual(attributes["patch_size_level0"], .integer(1024))
        XCTAssertEqual(attributes["level0_magnification"], .integer(40))
        XCTAssertEqual(attributes["target_magnification"], .integer(10))
        XCTAssertEqual(attributes["overlap"], .integer(0))
        XCTAssertEqual(attributes["savetodir"], .string("out/patches"))
        XCTAssertEqual(attributes["level0_width"], .integer(96000))
        XCTAssertEqual(attributes["level0_height"], .integer(72000))
        XCTAssertEqual(attributes["mpp"], .real(0.2431))
        XCTAssertEqual(attributes["target_mpp"], .real(0.97))
        XCTAssertEqual(attributes["tissue_threshold"], .real(0.5))
        XCTAssertEqual(attributes["slidemil_version"], .string("0.1.0"))
        XCTAssertEqual(attributes["config_hash"], .string("abc123"))
    }

    func testEmptySlideWritesAnEmptyCoordsDataset() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("blank.h5")
        try PatchFile(metadata: sampleMetadata(), coordinates: []).write(to: url)
        let read = try PatchFile.read(from: url)
        XCTAssertEqual(read.coordinates, [])
        XCTAssertEqual(read.metadata.slideID, "tumor_001")
    }

    func testReadsCLAMFixture() throws {
        let patches = try PatchFile.read(from: H5Fixture.url("clam_patches.h5"))
        XCTAssertEqual(patches.coordinates, H5Fixture.coordinates.map { PatchCoordinate(x: $0.x, y: $0.y) })
        let metadata = patches.metadata
        XCTAssertEqual(metadata.layout, .clam)
        XCTAssertEqual(metadata.slideID, "clam_slide")
        XCTAssertEqual(metadata.patchSize, 256)
        XCTAssertEqual(metadata.patchLevel, 1)
        XCTAssertEqual(metadata.downsample.x, 4.000120)
        XCTAssertEqual(metadata.downsample.y, 3.999880)
        XCTAssertEqual(metadata.levelSize.width, 2500)
        XCTAssertEqual(metadata.levelSize.height, 1800)
        XCTAssertEqual(metadata.patchSizeLevel0, 1024)
        XCTAssertEqual(metadata.saveFolder, "results/patches")
        XCTAssertNil(metadata.producerVersion)
    }

    func testReadsTRIDENTFixture() throws {
        let patches = try PatchFile.read(from: H5Fixture.url("trident_patches.h5"))
        XCTAssertEqual(patches.coordinates.count, 5)
        XCTAssertEqual(patches.coordinates.last, PatchCoordinate(x: 4096, y: 2055))
        let metadata = patches.metadata
        XCTAssertEqual(metadata.layout, .trident)
        XCTAssertEqual(metadata.slideID, "trident_slide")
        XCTAssertEqual(metadata.patchSize, 512)
        XCTAssertEqual(metadata.patchSizeLevel0, 1024)
        XCTAssertEqual(metadata.level0Magnification, 40)
        XCTAssertEqual(metadata.targetMagnification, 20)
        XCTAssertEqual(metadata.downsample.x, 2)
        XCTAssertEqual(metadata.level0Size?.width, 10000)
        XCTAssertEqual(metadata.level0Size?.height, 7200)
        XCTAssertEqual(metadata.levelSize.width, 5000)
        XCTAssertEqual(metadata.saveFolder, "trident_out/20x_512px_0px_overlap")
    }

    func testReadsFixedLengthStringsAndInt32Attributes() throws {
        let patches = try PatchFile.read(from: H5Fixture.url("fixed_strings.h5"))
        XCTAssertEqual(patches.metadata.slideID, "fixed_slide")
        // A null-padded string that fills its whole width keeps its last character.
        XCTAssertEqual(patches.metadata.saveFolder, "abcdefgh")
        XCTAssertEqual(patches.metadata.patchSize, 256)
        XCTAssertEqual(patches.metadata.patchSizeLevel0, 256)
    }

    func testMissingPatchSizeIsReported() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("bare.h5")
        let file = try HDF5File.create(at: url)
        try file.createDataset("coords", values: [Int64(0), 0], shape: [1, 2])
        file.close()
        XCTAssertThrowsError(try PatchFile.read(from: url)) { error in
            XCTAssertEqual(error as? StoreError, .missingAttribute(path: url.path, object: "coords", attribute: "patch_size"))
        }
    }

    func testCoordsWithWrongShapeAreRejected() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("wide.h5")
        let file = try HDF5File.create(at: url)
        try file.createDataset("coords", values: [Int64](repeating: 0, count: 6), shape: [2, 3])
        file.close()
        XCTAssertThrowsError(try PatchFile.read(from: url)) { error in
            XCTAssertTrue("\(error)".contains("(N, 2)"), "\(error)")
        }
    }
}
