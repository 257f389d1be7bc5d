import Raster
import XCTest
import Raster

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

    /// Noise that differs between neighbours, from a fixed linear congruential sequence.
    private func noise(width: Int, height: Int, seed: UInt32) -> RGBImage {
        var state = seed
        return RGBImage(width: width, height: height, pixels: (0..<width * height * 3).map { _ in
            state = state &* 1664525 &+ 1013904223
            return UInt8(state >> 24)
        })
    }

    /// The area average written the slow, obvious way: for every output pixel, every source pixel
    /// weighted by the area of its overlap with the output pixel's rectangle in source
    /// coordinates, in Double.
    private func naiveAreaAverage(_ image: RGBImage, width: Int, height: Int) -> [Double] {
        let sx = Double(image.width) / Double(width), sy = Double(image.height) / Double(height)
        var result = [Double](repeating: 0, count: width * height * 3)
        for oy in 0..<height {
            for ox in 0..<width {
                let x0 = Double(ox) * sx, x1 = Double(ox + 1) * sx, y0 = Double(oy) * sy, y1 = Double(oy + 1) * sy
                var sums = [0.0, 0.0, 0.0], area = 0.0
                for y in 0..<image.height {
                    let h = min(y1, Double(y + 1)) - max(y0, Double(y))
                    guard h > 0 else { continue }
                    for x in 0..<image.width {
                        let w = min(x1, Double(x + 1)) - max(x0, Double(x))
                        guard w > 0 else { continue }
                        let pixel = image[x, y]
                        sums[0] += w * h * Double(pixel.red)
                        sums[1] += w * h * Double(pixel.green)
                        sums[2] += w * h * Double(pixel.blue)
                        area += w * h
                    }
                }
                for channel in 0..<3 { result[(oy * width + ox) * 3 + channel] = sums[channel] / area }
            }
        }
        return result
    }

    /// Every byte equals the exact area average rounded to nearest; where the exact value sits
    /// within 1e-3 of a half, either neighbour is accepted (Float sums may land on either side).
    private func assertMatchesNaive(_ image: RGBImage, width: Int, height: Int, file: StaticString = #filePath, line: UInt = #line) {
        let out = ImageResampler.resize(image, width: width, height: height)
        let exact = naiveAreaAverage(image, width: width, height: height)
        XCTAssertEqual(out.width, width, file: file, line: line)
        XCTAssertEqual(out.height, height, file: file, line: line)
        var mismatches = 0
        for (index, value) in exact.enumerated() {
            let byte = Double(out.pixels[index])
            let nearHalf = abs(value - value.rounded(.down) - 0.5) < 1e-3
            let ok = nearHalf ? abs(byte - value) <= 0.5 + 1e-3 : byte == (value + 0.5).rounded(.down)
            if !ok { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0, "\(image.width) x \(image.height) -> \(width) x \(height)", file: file, line: line)
    }

    func testShrinkEqualsANaiveAreaAverageOnAwkwardSizes() {
        let cases: [(Int, Int, Int, Int)] = [
            (7, 5, 3, 2), (10, 10, 3, 3), (13, 1, 4, 1), (1, 13, 1, 5), (31, 17, 1, 1), (9, 9, 2, 7),
            (100, 3, 7, 2), (2, 2, 1, 1), (255, 2, 254, 1), (5, 41, 5, 6), (19, 23, 18, 22),
        ]
        for (sourceWidth, sourceHeight, width, height) in cases {
            let image = noise(width: sourceWidth, height: sourceHeight, seed: UInt32(sourceWidth * 31 + sourceHeight))
            assertMatchesNaive(image, width: width, height: height)
        }
    }

    func testOnePixelEdgesAndOneAxisUnchanged() {
        // A 1-px-wide column shrinks only vertically; a row keeps its height while its width shrinks.
        assertMatchesNaive(noise(width: 1, height: 29, seed: 3), width: 1, height: 4)
        assertMatchesNaive(noise(width: 29, height: 1, seed: 4), width: 6, height: 1)
        assertMatchesNaive(noise(width: 29, height: 11, seed: 5), width: 6, height: 11)
        // Everything into one pixel is the image's mean.
        let image = noise(width: 11, height: 7, seed: 6)
        let one = ImageResampler.resize(image, width: 1, height: 1)
        let mean = (0..<3).map { channel in
            Double(stride(from: channel, to: image.pixels.count, by: 3).reduce(0) { $0 + Int(image.pixels[$1]) }) / 77
        }
        XCTAssertTrue(one[0, 0] == (UInt8(mean[0].rounded()), UInt8(mean[1].rounded()), UInt8(mean[2].rounded())))
    }

    func testEnlargingAOnePixelImageCopiesIt() {
        let dot = RGBImage(width: 1, height: 1, fill: (3, 140, 250))
        XCTAssertEqual(ImageResampler.resize(dot, width: 5, height: 3), RGBImage(width: 5, height: 3, fill: (3, 140, 250)))
    }

    func testBandedResizeEqualsWholeResizeAndReadsEveryRowInOrder() {
        for (sourceWidth, sourceHeight, width, height, bandRows) in [(37, 53, 10, 7, 8), (37, 53, 10, 7, 1), (20, 9, 20, 4, 100),
                                                                     (12, 30, 5, 30, 4), (12, 5, 24, 11, 2)] {
            let image = noise(width: sourceWidth, height: sourceHeight, seed: UInt32(bandRows))
            var requests: [Range<Int>] = []
            let banded = ImageResampler.resize(sourceWidth: sourceWidth, sourceHeight: sourceHeight, width: width, height: height,
                                               bandRows: bandRows) { first, count in
                requests.append(first..<(first + count))
                return RGBImage(width: sourceWidth, height: count,
                                pixels: Array(image.pixels[(first * sourceWidth * 3)..<((first + count) * sourceWidth * 3)]))
            }
            let label = "\(sourceWidth) x \(sourceHeight) -> \(width) x \(height), bands of \(bandRows)"
            XCTAssertEqual(banded, ImageResampler.resize(image, width: width, height: height), label)
            XCTAssertEqual(requests.first?.lowerBound, 0, label)
            XCTAssertEqual(requests.last?.upperBound, sourceHeight, label)
            for (previous, next) in zip(requests, requests.dropFirst()) {
                // Bands move down and overlap by at most the rows two output rows share.
                XCTAssertLessThanOrEqual(next.lowerBound, previous.upperBound, label)
                XCTAssertGreaterThan(next.lowerBound, previous.lowerBound, label)
            }
            if bandRows >= 2 * sourceHeight / height + 2 {
                XCTAssertTrue(requests.allSatisfy { $0.count <= bandRows }, label)
            }
        }
    }
}
