import XCTest
import SlideIO
import Tiling

final class ImageResamplerTests: XCTestCase {
    private func row(_ values: [UInt8]) -> RGBImage {
        RGBImage(width: values.count, height: 1, pixels: values.flatMap { [$0, $0, $0] })
    }

    private func reds(_ image: RGBImage) -> [UInt8] { stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] } }

    func testHalvingAveragesTwoByTwoBlocks() {
        var image = RGBImage(width: 4, height: 4)
        let values: [UInt8] = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]
        for (index, value) in values.enumerated() { image[index % 4, index / 4] = (value, 255 - value, 7) }
        let half = ImageResampler.resize(image, width: 2, height: 2)
        // (0 + 10 + 40 + 50) / 4 = 25, (20 + 30 + 60 + 70) / 4 = 45, ...
        XCTAssertEqual(reds(half), [25, 45, 105, 125])
        XCTAssertEqual(half[0, 0].green, 230)
        XCTAssertEqual(half[1, 1].blue, 7)
    }

    func testNonIntegerShrinkWeighsPartialPixels() {
        // 3 -> 2: output 0 covers [0, 1.5): (p0 + 0.5 p1) / 1.5; output 1 covers [1.5, 3).
        let out = ImageResampler.resize(row([30, 90, 150]), width: 2, height: 1)
        XCTAssertEqual(reds(out), [50, 130])
    }

    func testEnlargingInterpolatesBetweenCentres() {
        // 2 -> 4: centres at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        let out = ImageResampler.resize(row([0, 200]), width: 4, height: 1)
        XCTAssertEqual(reds(out), [0, 50, 150, 200])
    }

    func testFlatImagesStayFlatAtAnySize() {
        let flat = RGBImage(width: 37, height: 23, fill: (12, 180, 99))
        for (width, height) in [(1, 1), (10, 7), (36, 22), (37, 23), (50, 41), (91, 5)] {
            let out = ImageResampler.resize(flat, width: width, height: height)
            XCTAssertEqual(out, RGBImage(width: width, height: height, fill: (12, 180, 99)), "\(width) x \(height)")
        }
    }

    func testShrinkPreservesTheMean() {
        var state: UInt32 = 99
        let image = RGBImage(width: 60, height: 45, pixels: (0..<60 * 45 * 3).map { _ in
            state = state &* 1664525 &+ 1013904223
            return UInt8(state >> 24)
        })
        let out = ImageResampler.resize(image, width: 20, height: 15)
        let meanIn = Double(image.pixels.reduce(0) { $0 + Int($1) }) / Double(image.pixels.count)
        let meanOut = Double(out.pixels.reduce(0) { $0 + Int($1) }) / Double(out.pixels.count)
        XCTAssertEqual(meanIn, meanOut, accuracy: 0.5)
    }
}
