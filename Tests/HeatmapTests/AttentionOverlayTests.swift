import Heatmap
import Raster
import XCTest

final class AttentionOverlayTests: XCTestCase {
    private let grey = RGBImage(width: 3, height: 2, fill: (100, 150, 200))

    func testFullAlphaShowsTheColormapEntry() {
        let values: [Float] = [0, 0.5, 1, 0.25, 0.75, 0.999]
        for colormap in Colormap.allCases {
            let image = AttentionOverlay(colormap: colormap, alpha: 1).apply(to: grey, values: values, tissue: nil)
            for (index, value) in values.enumerated() {
                let colour = colormap.color(at: value)
                XCTAssertEqual(Array(image.pixels[(index * 3)..<(index * 3 + 3)]), [colour.red, colour.green, colour.blue])
            }
        }
        // Jet's ends (matplotlib: cmap(0) = dark blue, cmap(1.0) = dark red).
        XCTAssertEqual(Colormap.jet.color(at: 0.0), RGBColor(red: 0, green: 0, blue: 127))
        XCTAssertEqual(Colormap.jet.color(at: 1.0), RGBColor(red: 127, green: 0, blue: 0))
    }

    func testBlendWeighsColourAndSlide() {
        let image = AttentionOverlay(colormap: .jet, alpha: 0.4)
            .apply(to: grey, values: [Float](repeating: 1, count: 6), tissue: nil)
        // 0.4 × (127, 0, 0) + 0.6 × (100, 150, 200) = (110.8, 90, 120).
        XCTAssertEqual(Array(image.pixels.prefix(3)), [111, 90, 120])
    }

    func testOnlyTissueWithScoresIsColoured() {
        let values: [Float] = [1, .nan, 1, 1, 1, 1]
        let tissue = [true, true, false, true, true, true]
        let image = AttentionOverlay(alpha: 0.5).apply(to: grey, values: values, tissue: tissue)
        for index in 0..<6 {
            let unchanged = Array(image.pixels[(index * 3)..<(index * 3 + 3)]) == [100, 150, 200]
            XCTAssertEqual(unchanged, index == 1 || index == 2, "pixel \(index)")
        }
    }

    func testZeroAlphaLeavesTheSlide() {
        let image = AttentionOverlay(alpha: 0).apply(to: grey, values: [Float](repeating: 0.3, count: 6), tissue: nil)
        XCTAssertEqual(image, grey)
    }
}
