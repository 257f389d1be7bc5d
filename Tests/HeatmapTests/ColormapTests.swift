import Foundation
import Heatmap
import XCTest

final class ColormapTests: XCTestCase {
    func testJetKnownValues() {
        // matplotlib: jet(0) = (0, 0, 0.5), jet(0.5) = (0.490196, 1, 0.477546), jet(1) = (0.5, 0, 0).
        XCTAssertEqual(Colormap.jet.color(at: 0.0), RGBColor(red: 0, green: 0, blue: 127))
        XCTAssertEqual(Colormap.jet.color(at: 0.5), RGBColor(red: 124, green: 255, blue: 121))
        XCTAssertEqual(Colormap.jet.color(at: 1.0), RGBColor(red: 127, green: 0, blue: 0))
    }

    func testViridisKnownValues() {
        // The published table's first, middle (entry 128) and last entries, truncated to bytes.
        XCTAssertEqual(Colormap.viridis.color(at: 0.0), RGBColor(red: 68, green: 1, blue: 84))
        XCTAssertEqual(Colormap.viridis.color(at: 0.5), RGBColor(red: 32, green: 144, blue: 140))
        XCTAssertEqual(Colormap.viridis.color(at: 1.0), RGBColor(red: 253, green: 231, blue: 36))
    }

    func testOutOfRangeValuesClamp() {
        for map in Colormap.allCases {
            XCTAssertEqual(map.color(at: -3.0), map.color(at: 0.0))
            XCTAssertEqual(map.color(at: 7.0), map.color(at: 1.0))
            XCTAssertEqual(map.color(at: Double.infinity), map.color(at: 1.0))
            XCTAssertEqual(map.color(at: Double.nan), map.color(at: 0.0))
            XCTAssertEqual(map.color(at: Float(0.5)), map.color(at: 0.5))
            XCTAssertEqual(map.table.count, 256)
        }
    }

    func testEveryEntryMatchesMatplotlib() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/colormaps/matplotlib_colormaps.csv")
        let lines = String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n").dropFirst()
        XCTAssertEqual(lines.count, 2 * 517)
        for line in lines {
            let fields = line.split(separator: ",").map(String.init)
            let map = try XCTUnwrap(Colormap(rawValue: fields[0]))
            let value = try XCTUnwrap(Double(fields[1]))
            let expected = RGBColor(red: UInt8(fields[2])!, green: UInt8(fields[3])!, blue: UInt8(fields[4])!)
            XCTAssertEqual(map.color(at: value), expected, "\(map) at \(value)")
        }
    }
}
