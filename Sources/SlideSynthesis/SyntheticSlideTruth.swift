import Foundation
import SlideIO

/// The ground truth of a synthetic slide, written beside it as `<slide>.json`: what the slide
/// is (size, resolution, seed, label) and where its tissue and tumours are, in level-0 pixels.
/// Keys are snake_case for readers in other languages.
public struct SyntheticSlideTruth: Codable, Sendable, Equatable {
    /// The slide file's name (no folder).
    public let slide: String
    public let width: Int
    public let height: Int
    public let micronsPerPixel: Double
    public let seed: UInt64
    /// "tumor" or "normal".
    public let label: String
    public let tissueRegions: [TissueEllipse]
    public let tissueBoxes: [Level0Rect]
    public let tumorRegions: [TissueEllipse]
    /// Level-0 bounding boxes of the tumour regions, clipped to the slide.
    public let tumorBoxes: [Level0Rect]

    /// The truth of `slide` stored as file `slideName`.
    public init(slide: SyntheticSlide, slideName: String) {
        self.slide = slideName
        width = slide.configuration.width
        height = slide.configuration.height
        micronsPerPixel = slide.configuration.micronsPerPixel
        seed = slide.configuration.seed
        label = slide.label
        tissueRegions = slide.tissueRegions
        tissueBoxes = slide.tissueRegions.map(\.boundingBox)
        tumorRegions = slide.tumorRegions
        tumorBoxes = slide.tumorBoxes
    }

    /// The configuration that regenerates the slide pixel for pixel.
    public var configuration: SyntheticSlide.Configuration {
        .init(width: width, height: height, micronsPerPixel: micronsPerPixel, seed: seed, tumorCount: tumorRegions.count)
    }

    /// Pretty-printed JSON with sorted keys (stable diffs).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads a truth file written by `jsonData()`.
    /// - Throws: `SlideError.corrupt` naming the file when it is unreadable or malformed.
    public static func load(from path: String) throws -> SyntheticSlideTruth {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(SyntheticSlideTruth.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw SlideError.corrupt(path: path, reason: "not a synthetic-slide truth file: \(error)")
        }
    }

    /// The path of the truth file of the slide at `slidePath`: the extension replaced by `.json`
    /// (`slides/a.tif` -> `slides/a.json`), matching the slide id `a` used in label CSVs.
    public static func path(forSlide slidePath: String) -> String {
        (slidePath as NSString).deletingPathExtension + ".json"
    }
}
