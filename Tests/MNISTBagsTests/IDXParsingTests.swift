import Foundation
import MNISTBags
import XCTest

final class IDXParsingTests: XCTestCase {
    private func header(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { word in (0..<4).reversed().map { UInt8((word >> UInt32($0 * 8)) & 0xff) } }
    }

    func testParsesASmallImageFile() throws {
        let bytes = header([2051, 2, 2, 3]) + Array(1...12)
        let images = try IDXFile.parseImages(bytes, source: "small")
        XCTAssertEqual(images.count, 2)
        XCTAssertEqual(Array(images.image(1)), [7, 8, 9, 10, 11, 12])
    }

    func testTruncatedImageFileIsNamedInTheError() {
        let bytes = header([2051, 3, 28, 28]) + [UInt8](repeating: 0, count: 100)
        XCTAssertThrowsError(try IDXFile.parseImages(bytes, source: "short.idx")) { error in
            XCTAssertEqual(error as? IDXError, .truncated(path: "short.idx", expectedBytes: 16 + 3 * 784, foundBytes: 116))
            XCTAssertTrue("\(error)".contains("short.idx"))
        }
    }

    func testLabelsFileIsNotAnImagesFile() {
        let bytes = header([2049, 2]) + [1, 2]
        XCTAssertThrowsError(try IDXFile.parseImages(bytes, source: "labels")) { error in
            XCTAssertEqual(error as? IDXError, .truncated(path: "labels", expectedBytes: 16, foundBytes: 10))
        }
        XCTAssertThrowsError(try IDXFile.parseImages(bytes + [0, 0, 0, 0, 0, 0], source: "labels")) { error in
            XCTAssertEqual(error as? IDXError, .badMagic(path: "labels", found: 2049, expected: 2051))
        }
        XCTAssertEqual(try IDXFile.parseLabels(bytes, source: "labels"), [1, 2])
    }

    func testCorruptAndTruncatedGzipAreReported() throws {
        let folder = try MNISTDataset.vendoredDirectory()
        let compressed = try Data(contentsOf: folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let truncated = [UInt8](compressed.prefix(compressed.count / 2))
        XCTAssertThrowsError(try Gzip.decompress(truncated)) { error in
            XCTAssertEqual(error as? GzipError, .truncated)
        }
        var corrupt = [UInt8](compressed)
        for index in 20..<60 { corrupt[index] ^= 0x5a }
        XCTAssertThrowsError(try Gzip.decompress(corrupt))
        XCTAssertThrowsError(try Gzip.decompress(Array("plain text".utf8)))
    }
}

/// Found by the seeded mutation tests: two 32-bit sides whose product overflows used to trap.
final class IDXOverflowTests: XCTestCase {
    func testHugeSidesAreAnErrorNotATrap() {
        let header: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        XCTAssertThrowsError(try IDXFile.parseImages(header, source: "x.idx3")) { error in
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }
}
