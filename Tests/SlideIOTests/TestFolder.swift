import Foundation
import Raster
import SlideIO
import SlideSynthesis

/// A fresh folder under the system temp directory, removed by `remove()`.
struct TestFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("slideio-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func contents() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Writes synthetic slides for tests.
enum TestSlides {
    /// A synthetic slide written with the pyramidal writer; returns the generator for the truth.
    @discardableResult
    static func write(_ configuration: SyntheticSlide.Configuration, to path: String,
                      compression: PyramidalTIFFWriter.Compression = .deflate,
                      micronsPerPixel: MicronsPerPixel? = nil, writeResolution: Bool = true) throws -> SyntheticSlide {
        let slide = try SyntheticSlide(configuration)
        let mpp = micronsPerPixel ?? MicronsPerPixel(x: configuration.micronsPerPixel, y: configuration.micronsPerPixel)
        let writer = try PyramidalTIFFWriter(width: configuration.width, height: configuration.height, compression: compression,
                                             micronsPerPixel: writeResolution ? mpp : nil, imageDescription: "test slide")
        try writer.write(to: path) { slide.region(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
        return slide
    }

    /// Mean of each channel over an image.
    static func mean(_ image: RGBImage) -> (Double, Double, Double) {
        var sums = (0.0, 0.0, 0.0)
        for index in stride(from: 0, to: image.pixels.count, by: 3) {
            sums.0 += Double(image.pixels[index]); sums.1 += Double(image.pixels[index + 1]); sums.2 += Double(image.pixels[index + 2])
        }
        let count = Double(max(1, image.width * image.height))
        return (sums.0 / count, sums.1 / count, sums.2 / count)
    }
}
