import XCTest
import Tiling

final class OtsuThresholdTests: XCTestCase {
    func testTwoSpikesSplitInTheMiddleOfTheGap() {
        var histogram = [Int](repeating: 0, count: 256)
        histogram[20] = 500
        histogram[200] = 300
        // Every cut in 20...199 separates the spikes equally well; the middle one is returned.
        XCTAssertEqual(OtsuThreshold.threshold(histogram: histogram), 109)
    }

    func testBimodalHistogramMatchesBruteForceWithinClassVariance() {
        // Two Gaussian-like modes at 30 and 150 with different widths and weights.
        var histogram = [Int](repeating: 0, count: 256)
        for value in 0..<256 {
            let a = 1000 * exp(-pow(Double(value - 30), 2) / (2 * 15 * 15))
            let b = 400 * exp(-pow(Double(value - 150), 2) / (2 * 30 * 30))
            histogram[value] = Int(a + b)
        }
        // Independent definition: minimise the weighted sum of class variances.
        var bestCut = 0
        var bestScore = Double.infinity
        for cut in 0..<255 {
            let classes = [0...cut, (cut + 1)...255]
            var score = 0.0
            for range in classes {
                let n = range.reduce(0.0) { $0 + Double(histogram[$1]) }
                guard n > 0 else { continue }
                let mean = range.reduce(0.0) { $0 + Double($1 * histogram[$1]) } / n
                score += range.reduce(0.0) { $0 + Double(histogram[$1]) * pow(Double($1) - mean, 2) }
            }
            if score < bestScore - 1e-6 { bestScore = score; bestCut = cut }
        }
        let otsu = OtsuThreshold.threshold(histogram: histogram)
        XCTAssertEqual(otsu.map(Int.init), bestCut)
        XCTAssert((60...110).contains(bestCut), "cut \(bestCut) should lie between the modes")
    }

    func testDegenerateHistogramsHaveNoThreshold() {
        XCTAssertNil(OtsuThreshold.threshold(histogram: [Int](repeating: 0, count: 256)))
        var single = [Int](repeating: 0, count: 256)
        single[7] = 1000
        XCTAssertNil(OtsuThreshold.threshold(histogram: single))
    }
}
