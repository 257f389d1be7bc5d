import Raster
import SlideIO
import SlideSynthesis
import XCTest

/// A pyramid with an Aperio-style description and a label image opens as OpenSlide's "aperio"
/// vendor: the paths for vendor resolution, objective power and associated images.
final class AperioStyleSlideTests: XCTestCase {
    func testVendorMetadataAndAssociatedLabel() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.path("aperio.svs")
        let synthetic = try SyntheticSlide(.init(width: 1100, height: 800, micronsPerPixel: 0.499, seed: 6, tumorCount: 1))
        var label = RGBImage(width: 120, height: 80, fill: (250, 250, 250))
        for y in 20..<60 { for x in 10..<110 where (x / 5) % 2 == 0 { label[x, y] = (10, 20, UInt8(x)) } }
        let description = "Aperio Image Library v11.2.1 \r\n1100x800 [0,0 1100x800] (256x256) JPEG/RGB Q=90|AppMag = 20|MPP = 0.4990"
        let writer = try PyramidalTIFFWriter(
            width: 1100, height: 800, compression: .jpeg(quality: 90), imageDescription: description,
            extraImages: [.init(description: "Aperio Image Library v11.2.1\nlabel 120x80", image: label)])
        try writer.write(to: path) { synthetic.region(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }

        let slide = try OpenSlideSlide(path: path)
        XCTAssertEqual(slide.vendor, "aperio")
        XCTAssertEqual(slide.resolutionSource, .openSlideProperties)
        XCTAssertEqual(try XCTUnwrap(slide.micronsPerPixel).x, 0.499, accuracy: 1e-9)
        XCTAssertEqual(slide.objectivePower, 20)
        XCTAssertEqual(slide.associatedImageNames, ["label"])
        XCTAssertEqual(try slide.associatedImage(named: "label"), label)
        XCTAssertEqual(slide.levels.count, writer.levelSizes.count)
        let read = TestSlides.mean(try slide.readRegion(level: 0, x: 300, y: 300, width: 32, height: 32))
        let want = TestSlides.mean(synthetic.region(x: 300, y: 300, width: 32, height: 32))
        XCTAssertEqual(read.1, want.1, accuracy: 4)
    }
}
