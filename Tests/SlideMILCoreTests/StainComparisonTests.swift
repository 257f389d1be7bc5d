import ExtractStage
import Foundation
import Heatmap
import Raster
import SlideIO
import Tiling
import XCTest

/// `slidemil stain`'s picture: the tile on the left byte for byte, the normalised tile on the right
/// exactly as extraction would see it, and ill-posed tiles passed through and reported.
final class StainComparisonTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/stain")
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("stain-comparison-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A 64 × 64 raw RGB fixture tile.
    private func fixture(_ name: String) throws -> RGBImage {
        RGBImage(width: 64, height: 64, pixels: Array(try Data(contentsOf: Self.fixtures.appendingPathComponent("\(name).rgb"))))
    }

    /// `tile` written as a PNG in the test folder.
    private func png(_ tile: RGBImage, named name: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try PNGCodec.encode(RGBImage(width: tile.width, height: tile.height, pixels: tile.pixels)).write(to: url)
        return url.path
    }

    /// The left and right halves of a side-by-side picture.
    private func halves(_ image: RGBImage) -> (left: [UInt8], right: [UInt8]) {
        let row = image.width / 2 * 3
        var left = [UInt8](), right = [UInt8]()
        for y in 0..<image.height {
            left += image.pixels[(2 * y * row)..<((2 * y + 1) * row)]
            right += image.pixels[((2 * y + 1) * row)..<((2 * y + 2) * row)]
        }
        return (left, right)
    }

    func testWrittenPictureIsTheTileBesideItsNormalisationForBothMethods() throws {
        let tile = try fixture("tile"), reference = try fixture("reference")
        let tilePath = try png(tile, named: "tile.png"), referencePath = try png(reference, named: "reference.png")
        for method in StainNormalization.methods {
            let output = folder.appendingPathComponent("\(method).png")
            let comparison = try StainComparison.write(tilePath: tilePath, method: method, referencePath: referencePath, to: output)
            XCTAssertFalse(comparison.passedThrough, method)
            let written = try PNGCodec.decode(contentsOf: output)
            XCTAssertEqual(written, comparison.image, method)
            XCTAssertEqual(written.width, 2 * tile.width, method)
            XCTAssertEqual(written.height, tile.height, method)
            let (left, right) = halves(written)
            XCTAssertEqual(left, tile.pixels, method)
            let normalization = try StainNormalization.fitted(method: method, referencePath: referencePath)
            let expected = try XCTUnwrap(normalization.normalize(tile), method)
            XCTAssertEqual(right, expected.pixels, method)
            XCTAssertNotEqual(right, tile.pixels, "\(method) left the tile unchanged")
        }
    }

    func testBackgroundTilePassesThroughUnchangedUnderMacenkoAndIsReported() throws {
        let background = try fixture("background")
        let comparison = StainComparison(tile: background, normalization: try StainNormalization.fitted(method: "macenko", referencePath: nil))
        XCTAssertTrue(comparison.passedThrough)
        let (left, right) = halves(comparison.image)
        XCTAssertEqual(left, background.pixels)
        XCTAssertEqual(right, background.pixels)
    }

    func testUnreadableTileIsAnErrorNamingItAndWritesNothing() throws {
        let bad = folder.appendingPathComponent("not-a-tile.png")
        try Data("plain text".utf8).write(to: bad)
        let output = folder.appendingPathComponent("out.png")
        XCTAssertThrowsError(try StainComparison.write(tilePath: bad.path, method: "macenko", referencePath: nil, to: output)) { error in
            XCTAssertTrue("\(error)".hasPrefix(bad.path), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }
}
