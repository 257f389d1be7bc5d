import Foundation
import SlideIO

/// What `slidemil slide-info` prints about a slide: format, pyramid, resolution and extras.
public struct SlideInfoReport: Codable, Sendable, Equatable {
    /// One pyramid level (SlideIO's own description, which encodes as width, height, downsample).
    public typealias Level = SlideLevel

    /// One associated image and its size.
    public struct AssociatedImage: Codable, Sendable, Equatable {
        public let name: String
        public let width: Int
        public let height: Int
    }

    public let path: String
    public let vendor: String
    public let levels: [Level]
    public let micronsPerPixelX: Double?
    public let micronsPerPixelY: Double?
    /// Where the resolution came from (`ResolutionSource` raw value).
    public let micronsPerPixelSource: String
    public let objectivePower: Double?
    public let associatedImages: [AssociatedImage]
    public let propertyCount: Int
    /// The reader tiles come from: `direct` (libtiff + libjpeg-turbo) or `openslide`.
    public let reader: String
    /// Why that reader: what the file is, or what keeps it from the direct reader.
    public let readerReason: String
    /// Problems found when opening that do not stop reading (inconsistent resolution tags, libtiff warnings).
    public let warnings: [String]

    /// Opens `path` (with an optional level-0 µm/px override, `mpp`) and gathers the report;
    /// reads only the metadata and the associated images, never the pyramid.
    /// - Throws: the `SlideError` of opening the slide or reading an associated image.
    public init(path: String, mpp: Double? = nil) throws {
        let opened = try SlideOpener.open(path: path, mppOverride: mpp.map { MicronsPerPixel(x: $0, y: $0) }, maximumIdleHandles: 1)
        let slide = opened.slide
        reader = opened.reader.rawValue
        readerReason = opened.reason
        warnings = slide.warnings
        self.path = path
        vendor = slide.vendor
        levels = slide.levels
        micronsPerPixelX = slide.micronsPerPixel?.x
        micronsPerPixelY = slide.micronsPerPixel?.y
        micronsPerPixelSource = opened.resolutionSource.rawValue
        objectivePower = slide.objectivePower
        associatedImages = try slide.associatedImageNames.map { name in
            let image = try slide.associatedImage(named: name)
            return AssociatedImage(name: name, width: image.width, height: image.height)
        }
        propertyCount = slide.properties.count
    }

    /// Pretty-printed JSON with snake_case keys; unknown values are `null`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Encode optionals as explicit nulls so readers see every key.
        var object = try JSONSerialization.jsonObject(with: encoder.encode(self)) as? [String: Any] ?? [:]
        for key in ["microns_per_pixel_x", "microns_per_pixel_y", "objective_power"] where object[key] == nil {
            object[key] = NSNull()
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A human-readable summary with a levels table.
    public func text() -> String {
        var lines = ["slide:       \(path)", "vendor:      \(vendor)", "reader:      \(reader) (\(readerReason))"]
        if let x = micronsPerPixelX, let y = micronsPerPixelY {
            lines.append(String(format: "mpp:         %.4f x %.4f um/px (from %@)", x, y, micronsPerPixelSource))
        } else {
            lines.append("mpp:         unknown (no openslide.mpp or TIFF resolution tags; pass --mpp)")
        }
        lines.append("objective:   " + (objectivePower.map { String(format: "%gx", $0) } ?? "unknown"))
        lines.append("properties:  \(propertyCount)")
        let associated = associatedImages.map { "\($0.name) (\($0.width) x \($0.height))" }
        lines.append("associated:  " + (associated.isEmpty ? "none" : associated.joined(separator: ", ")))
        for warning in warnings { lines.append("warning:     \(warning)") }
        lines.append("levels:")
        lines.append("  level       width      height   downsample")
        for (index, level) in levels.enumerated() {
            lines.append(String(format: "  %5d  %10d  %10d  %11.4f", index, level.width, level.height, level.downsample))
        }
        return lines.joined(separator: "\n")
    }
}
