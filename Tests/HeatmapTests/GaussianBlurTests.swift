import Foundation
import Heatmap
import XCTest

final class GaussianBlurTests: XCTestCase {
    func testKernelIsNormalisedSymmetricAndGaussian() {
        let blur = GaussianBlur(sigma: 1.5)
        XCTAssertEqual(blur.radius, 5)
        XCTAssertEqual(blur.kernel.reduce(0, +), 1, accuracy: 1e-6)
        for offset in 1...blur.radius {
            XCTAssertEqual(blur.kernel[blur.radius + offset], blur.kernel[blur.radius - offset])
            let expected = exp(-Double(offset * offset) / (2 * 1.5 * 1.5))
            XCTAssertEqual(Double(blur.kernel[blur.radius + offset] / blur.kernel[blur.radius]), expected, accuracy: 1e-6)
        }
    }

    func testDeltaSpreadsSymmetricallyAndConservesMass() {
        let side = 31, centre = 15
        var delta = [Float](repeating: 0, count: side * side)
        delta[centre * side + centre] = 1
        let blurred = GaussianBlur(sigma: 2).apply(delta, width: side, height: side)
        XCTAssertEqual(blurred.reduce(0, +), 1, accuracy: 1e-5)
        let peak = blurred[centre * side + centre]
        XCTAssertEqual(blurred.max(), peak)
        for d in 1...6 {
            let right = blurred[centre * side + centre + d]
            XCTAssertEqual(blurred[centre * side + centre - d], right, accuracy: 1e-7)
            XCTAssertEqual(blurred[(centre + d) * side + centre], right, accuracy: 1e-7)
            XCTAssertEqual(blurred[(centre - d) * side + centre], right, accuracy: 1e-7)
            XCTAssertLessThan(right, blurred[centre * side + centre + d - 1])
        }
        // Separable: the 2-D result is the outer product of the 1-D kernel.
        let kernel = GaussianBlur(sigma: 2).kernel, radius = 6
        XCTAssertEqual(blurred[(centre + 2) * side + centre - 3], kernel[radius + 2] * kernel[radius - 3], accuracy: 1e-7)
    }

    func testConstantInteriorIsUnchanged() {
        let values = [Float](repeating: 0.7, count: 40 * 40)
        let blurred = GaussianBlur(sigma: 1).apply(values, width: 40, height: 40)
        XCTAssertEqual(blurred[20 * 40 + 20], 0.7, accuracy: 1e-6)
        XCTAssertLessThan(blurred[0], 0.7, "outside the raster counts as zero")
    }
}
