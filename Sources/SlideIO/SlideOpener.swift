import Foundation

/// Which reader decodes a slide's pyramid.
public enum SlideReaderKind: String, Sendable, Codable, CaseIterable {
    /// libtiff + libjpeg-turbo, for tiled JPEG TIFFs (`JPEGTIFFSlide`).
    case direct
    /// OpenSlide, for every format (`OpenSlideSlide`).
    case openSlide = "openslide"
}

/// A slide opened with the reader chosen for it.
public struct OpenedSlide: Sendable {
    public let slide: Slide
    public let reader: SlideReaderKind
    /// Why that reader: what the file is, or what keeps it from the direct reader.
    public let reason: String
    /// Where the slide's microns-per-pixel came from.
    public let resolutionSource: ResolutionSource
}

/// Opens slides with the best reader for each: the direct JPEG-TIFF reader where it applies,
/// OpenSlide for everything else (MRXS, NDPI, Philips, Ventana, JPEG 2000 SVS, LZW or deflate
/// tiles, stripped files).
public enum SlideOpener {
    /// Opens `path`.
    /// - Parameters:
    ///   - mppOverride: level-0 µm/px to use instead of the metadata.
    ///   - allowDirect: `false` reads every slide through OpenSlide.
    ///   - cache: the decoded-tile cache direct readers share.
    ///   - maximumIdleHandles: OpenSlide handles (and direct decoders) kept open between reads.
    /// - Throws: `SlideError` naming the file (see `OpenSlideSlide.init`).
    public static func open(path: String, mppOverride: MicronsPerPixel? = nil, allowDirect: Bool = true,
                            cache: DecodedTileCache = DecodedTileCache(),
                            maximumIdleHandles: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> OpenedSlide {
        let slide = try OpenSlideSlide(path: path, mppOverride: mppOverride, maximumIdleHandles: maximumIdleHandles)
        switch JPEGTIFFSlide.eligibility(of: slide) {
        case let .direct(reason):
            guard allowDirect else {
                return OpenedSlide(slide: slide, reader: .openSlide, reason: "the direct reader is turned off (\(reason))",
                                   resolutionSource: slide.resolutionSource)
            }
            let direct = try JPEGTIFFSlide(wrapping: slide, cache: cache, maximumIdleDecoders: maximumIdleHandles)
            return OpenedSlide(slide: direct, reader: .direct, reason: reason, resolutionSource: slide.resolutionSource)
        case let .openSlide(reason):
            return OpenedSlide(slide: slide, reader: .openSlide, reason: reason, resolutionSource: slide.resolutionSource)
        }
    }
}
