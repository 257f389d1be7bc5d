import Foundation
import MNISTBags
import XCTest

/// The vendored MNIST files are the published ones, byte for byte, and parse as IDX.
final class VendoredMNISTTests: XCTestCase {
    /// The published MD5 checksums of the uncompressed files.
    private let publishedMD5 = [
        "train-images-idx3-ubyte.gz": "6bbc9ace898e44ae57da46a324031adb",
        "train-labels-idx1-ubyte.gz": "a25bea736e30d166cdddb491f175f624",
        "t10k-images-idx3-ubyte.gz": "2646ac647ad5339dbf082846283269ea",
        "t10k-labels-idx1-ubyte.gz": "27ae3e4e09519cfbb04c329615203637",
    ]

    func testMD5KnownAnswers() {
        XCTAssertEqual(MD5.hex([]), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(MD5.hex(Array("The quick brown fox jumps over the lazy dog".utf8)), "9e107d9d372bb6826bd81d3542a419d6")
    }

    func testUncompressedChecksumsMatchThePublishedOnes() throws {
        let folder = try MNISTDataset.vendoredDirectory()
        for (name, expected) in publishedMD5.sorted(by: { $0.key < $1.key }) {
            let bytes = try MNISTDataset.readGzipped(folder.appendingPathComponent(name))
            XCTAssertEqual(MD5.hex(bytes), expected, name)
        }
    }

    func testSplitsParseWithTheirFirstTenLabels() throws {
        let train = try MNISTDataset.load(.train)
        XCTAssertEqual(train.images.count, 60_000)
        XCTAssertEqual(train.images.rows, 28)
        XCTAssertEqual(train.images.columns, 28)
        XCTAssertEqual(Array(train.labels.prefix(10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])

        let test = try MNISTDataset.load(.test)
        XCTAssertEqual(test.images.count, 10_000)
        XCTAssertEqual(Array(test.labels.prefix(10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
        // The first test image is a 7: ink in its middle rows, blank corners.
        let first = test.images.image(0)
        XCTAssertEqual(first.first, 0)
        XCTAssertGreaterThan(first.reduce(0) { $0 + Int($1) }, 10_000)
    }
}
