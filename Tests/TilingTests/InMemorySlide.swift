import Foundation
import Raster
import SlideIO
import Tiling

/// A `Slide` held in memory, for tests that must not depend on a slide backend: level 0 is a
/// given image, coarser levels are area-averaged copies. Reads can be slowed down, counted and
/// made to fail at chosen coordinates. (Tests on real slide files use the OpenSlide backend.)
final class InMemorySlide: Slide, @unchecked Sendable {
    let path: String
    let vendor = "in-memory"
    let levels: [SlideLevel]
    let micronsPerPixel: MicronsPerPixel?
    let objectivePower: Double?
    let properties: [String: String] = [:]
    let associatedImageNames: [String] = []
    private let images: [RGBImage]
    private let failing: Set<Level0Point>
    private let delay: TimeInterval
    private let lock = NSLock()
    private var reads = 0

    init(image: RGBImage, downsamples: [Int] = [1], mpp: Double? = 0.5, objectivePower: Double? = nil,
         failing: Set<Level0Point> = [], delay: TimeInterval = 0, path: String = "memory.svs") {
        var images: [RGBImage] = []
        var levels: [SlideLevel] = []
        for factor in downsamples {
            let width = max(1, image.width / factor), height = max(1, image.height / factor)
            images.append(factor == 1 ? image : ImageResampler.resize(image, width: width, height: height))
            levels.append(SlideLevel(width: width, height: height, downsample: Double(factor)))
        }
        self.images = images
        self.levels = levels
        self.micronsPerPixel = mpp.map { MicronsPerPixel(x: $0, y: $0) }
        self.objectivePower = objectivePower
        self.failing = failing
        self.delay = delay
        self.path = path
    }

    var readCount: Int { lock.withLock { reads } }

    func readRegion(level: Int, x: Int, y: Int, width: Int, height: Int) throws -> RGBImage {
        lock.withLock { reads += 1 }
        if failing.contains(Level0Point(x: x, y: y)) { throw TestSlideError.corruptTile }
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        let source = images[level]
        let downsample = levels[level].downsample
        let left = Int((Double(x) / downsample).rounded(.down)), top = Int((Double(y) / downsample).rounded(.down))
        var out = RGBImage(width: width, height: height)
        for row in 0..<height where top + row >= 0 && top + row < source.height {
            for column in 0..<width where left + column >= 0 && left + column < source.width {
                out[column, row] = source[left + column, top + row]
            }
        }
        return out
    }

    func associatedImage(named name: String) throws -> RGBImage { throw TestSlideError.noAssociatedImage }
}

/// A single-level slide whose pixels come from a function, so large slides cost no memory.
final class ProceduralSlide: Slide, @unchecked Sendable {
    let path = "procedural.tiff"
    let vendor = "procedural"
    let levels: [SlideLevel]
    let micronsPerPixel: MicronsPerPixel? = nil
    let objectivePower: Double? = nil
    let properties: [String: String] = [:]
    let associatedImageNames: [String] = []
    private let pixel: @Sendable (Int, Int) -> (UInt8, UInt8, UInt8)

    init(width: Int, height: Int, pixel: @escaping @Sendable (Int, Int) -> (UInt8, UInt8, UInt8)) {
        levels = [SlideLevel(width: width, height: height, downsample: 1)]
        self.pixel = pixel
    }

    func readRegion(level: Int, x: Int, y: Int, width: Int, height: Int) throws -> RGBImage {
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        for row in 0..<height where y + row < levels[0].height {
            for column in 0..<width where x + column < levels[0].width {
                let (r, g, b) = pixel(x + column, y + row)
                let offset = (row * width + column) * 3
                pixels[offset] = r
                pixels[offset + 1] = g
                pixels[offset + 2] = b
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    func associatedImage(named name: String) throws -> RGBImage { throw TestSlideError.noAssociatedImage }
}

enum TestSlideError: Error, CustomStringConvertible {
    case corruptTile
    case noAssociatedImage

    var description: String {
        switch self {
        case .corruptTile: return "corrupt JPEG tile"
        case .noAssociatedImage: return "no associated image"
        }
    }
}

/// A deterministic H&E-like picture: white background with faint noise, pink tissue wherever
/// `isTissue` holds. Same seed, same picture.
func syntheticHE(width: Int, height: Int, seed: UInt64, stain: (UInt8, UInt8, UInt8) = (200, 120, 170),
                 isTissue: (Int, Int) -> Bool) -> (image: RGBImage, truth: BinaryMask) {
    var state = seed &+ 0x9E37_79B9_7F4A_7C15
    func noise() -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % 13) - 6
    }
    var image = RGBImage(width: width, height: height)
    var truth = BinaryMask(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            if isTissue(x, y) {
                truth[x, y] = true
                image[x, y] = (clampByte(Int(stain.0) + noise()), clampByte(Int(stain.1) + noise()), clampByte(Int(stain.2) + noise()))
            } else {
                let gray = clampByte(245 + noise() / 2)
                image[x, y] = (gray, clampByte(Int(gray) + noise() / 3), gray)
            }
        }
    }
    return (image, truth)
}

func clampByte(_ value: Int) -> UInt8 { UInt8(min(max(value, 0), 255)) }
