import Foundation
import Raster
import SlideIO
import Tiling
import XCTest

/// Reinhard and Macenko against torchstain's numpy implementation, on tiles of the sample slides
/// (`Tests/Fixtures/stain`, made by `make_stain_fixtures.py`).
///
/// Fitted targets must agree to 1e-4 relative; normalised pixels may differ by one 8-bit level
/// where torchstain's float32 (Reinhard) or float64 (Macenko) arithmetic lands on the other side
/// of a truncation, and must do so for under 2% of the values.
final class StainNormalizationTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/stain")

    private struct Expected: Decodable {
        let size: Int
        let reinhard_means: [Float]
        let reinhard_stds: [Float]
        let macenko_stain_vectors: [[Double]]
        let macenko_max_concentrations: [Double]
        let background_stained_pixels: Int
    }

    private func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json")))
    }

    private func image(_ name: String) throws -> RGBImage {
        let size = try expected().size
        return RGBImage(width: size, height: size, pixels: Array(try Data(contentsOf: Self.fixtures.appendingPathComponent("\(name).rgb"))))
    }

    private func assertPixelsAgree(_ actual: RGBImage, _ expected: RGBImage, _ what: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        let differences = zip(actual.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThanOrEqual(differences.max() ?? 0, 1, what, file: file, line: line)
        let off = differences.filter { $0 > 0 }.count
        XCTAssertLessThan(Double(off) / Double(differences.count), 0.02, "\(what): \(off) values off by one", file: file, line: line)
    }

    func testReinhardFitsAndNormalizesAsTorchstain() throws {
        let truth = try expected()
        let reinhard = try XCTUnwrap(ReinhardNormalizer(fittedTo: image("reference")))
        for channel in 0..<3 {
            XCTAssertEqual(reinhard.means[channel], truth.reinhard_means[channel], accuracy: 1e-4 * abs(truth.reinhard_means[channel]))
            XCTAssertEqual(reinhard.standardDeviations[channel], truth.reinhard_stds[channel], accuracy: 1e-4 * truth.reinhard_stds[channel])
        }
        let tile = try image("tile")
        let normalized = try XCTUnwrap(reinhard.normalize(tile))
        XCTAssertNotEqual(normalized, tile)
        assertPixelsAgree(normalized, try image("reinhard"), "Reinhard")
    }

    func testMacenkoFitsAndNormalizesAsTorchstain() throws {
        let truth = try expected()
        let macenko = try XCTUnwrap(MacenkoNormalizer(fittedTo: image("reference")))
        for stain in 0..<2 {
            for channel in 0..<3 {
                XCTAssertEqual(macenko.stainVectors[stain][channel], truth.macenko_stain_vectors[stain][channel], accuracy: 1e-4)
            }
            XCTAssertEqual(macenko.maximumConcentrations[stain], truth.macenko_max_concentrations[stain],
                           accuracy: 1e-4 * truth.macenko_max_concentrations[stain])
        }
        let tile = try image("tile")
        let normalized = try XCTUnwrap(macenko.normalize(tile))
        XCTAssertNotEqual(normalized, tile)
        assertPixelsAgree(normalized, try image("macenko"), "Macenko")
    }

    /// A background tile has no stained pixel: Macenko is ill-posed there, so the tile passes
    /// through unchanged and is counted; Reinhard still applies.
    func testIllPosedTilesPassThroughUnchangedAndAreCounted() throws {
        XCTAssertEqual(try expected().background_stained_pixels, 0)
        let background = try image("background")
        let macenko = try StainNormalization.fitted(method: "macenko", reference: image("reference"), source: "reference.png")
        let counter = StainPassThroughCounter()
        XCTAssertEqual(counter.apply(macenko, to: background), background)
        XCTAssertNotEqual(counter.apply(macenko, to: try image("tile")), try image("tile"))
        XCTAssertEqual(counter.count, 1)
        XCTAssertNil(MacenkoNormalizer(fittedTo: background))
        XCTAssertThrowsError(try StainNormalization.fitted(method: "macenko", reference: background, source: "white.png")) { error in
            XCTAssertTrue("\(error)".hasPrefix("white.png: too few stained pixels"), "\(error)")
        }
        XCTAssertThrowsError(try StainNormalization.fitted(method: "reinhard", reference: nil, source: "--stain-reference"))
        XCTAssertEqual(try StainNormalization.fitted(method: "macenko", reference: nil, source: "-"), .macenko(.standardReference))
    }
}
