import XCTest
import SlideIO
import Tiling
import Raster

final class GrayImageTests: XCTestCase {
    func testSaturationOnKnownColours() {
        let colours: [(UInt8, UInt8, UInt8)] = [(255, 255, 255), (255, 0, 0), (200, 100, 100), (0, 0, 0), (128, 128, 64), (10, 20, 30)]
        // 255 * (max - min) / max, rounded half up: 0, 255, 127.5 -> 128, 0, 127.5 -> 128, 170.
        let expected: [UInt8] = [0, 255, 128, 0, 128, 170]
        var image = RGBImage(width: colours.count, height: 1)
        for (x, colour) in colours.enumerated() { image[x, 0] = colour }
        XCTAssertEqual(GrayImage(saturationOf: image).pixels, expected)
    }

    func testMedianRemovesASpeckAndKeepsAnEdge() {
        var pixels = [UInt8](repeating: 0, count: 49)
        pixels[3 * 7 + 3] = 255 // lone speck
        for y in 0..<7 { pixels[y * 7 + 6] = 200; pixels[y * 7 + 5] = 200 } // two-column band at the right border
        let blurred = GrayImage(width: 7, height: 7, pixels: pixels).medianBlurred(kernel: 3)
        XCTAssertEqual(blurred.pixels[3 * 7 + 3], 0)
        for y in 0..<7 {
            XCTAssertEqual(blurred.pixels[y * 7 + 6], 200, "row \(y)")
            XCTAssertEqual(blurred.pixels[y * 7 + 5], 200, "row \(y)")
            XCTAssertEqual(blurred.pixels[y * 7 + 4], 0, "row \(y)")
        }
    }

    func testMedianMatchesSortingWithReplicatedBorders() {
        var state: UInt32 = 12345
        let width = 23, height = 17
        let pixels = (0..<width * height).map { _ -> UInt8 in
            state = state &* 1664525 &+ 1013904223
            return UInt8(state >> 24)
        }
        for kernel in [1, 3, 5, 7] {
            let blurred = GrayImage(width: width, height: height, pixels: pixels).medianBlurred(kernel: kernel)
            let radius = kernel / 2
            for y in 0..<height {
                for x in 0..<width {
                    var window: [UInt8] = []
                    for dy in -radius...radius {
                        for dx in -radius...radius {
                            window.append(pixels[min(max(y + dy, 0), height - 1) * width + min(max(x + dx, 0), width - 1)])
                        }
                    }
                    window.sort()
                    XCTAssertEqual(blurred.pixels[y * width + x], window[window.count / 2], "kernel \(kernel) at (\(x), \(y))")
                }
            }
        }
    }

    func testMedianMaskAndSampledHistogramAgreeWithTheFullMedian() {
        var state: UInt32 = 777
        let width = 41, height = 29
        // Smooth blobs plus noise, so that thresholds cut through mixed windows.
        let pixels = (0..<width * height).map { index -> UInt8 in
            state = state &* 1664525 &+ 1013904223
            let x = index % width, y = index / width
            let blob = (x / 8 + y / 6) % 2 == 0 ? 120 : 10
            return UInt8(min(255, blob + Int(state >> 27)))
        }
        let image = GrayImage(width: width, height: height, pixels: pixels)
        for kernel in [1, 3, 7, 9] {
            let blurred = image.medianBlurred(kernel: kernel)
            for threshold: UInt8 in [0, 15, 60, 125, 200] {
                XCTAssertEqual(image.medianBlurredMask(kernel: kernel, above: threshold), blurred.mask(above: threshold),
                               "kernel \(kernel), threshold \(threshold)")
            }
            XCTAssertEqual(image.medianBlurredHistogram(kernel: kernel, rowStep: 1), blurred.histogram)
            var everyThird = [Int](repeating: 0, count: 256)
            for y in stride(from: 1, to: height, by: 3) { for x in 0..<width { everyThird[Int(blurred.pixels[y * width + x])] += 1 } }
            XCTAssertEqual(image.medianBlurredHistogram(kernel: kernel, rowStep: 3), everyThird)
        }
    }
}
