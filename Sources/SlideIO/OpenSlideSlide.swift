import COpenSlide
import Foundation
import Raster

/// A slide read through OpenSlide: Aperio SVS, Hamamatsu, MIRAX, generic tiled TIFF and the rest
/// of OpenSlide's formats.
///
/// Metadata is read once at open. Region reads may run on any number of threads at once: each
/// read borrows its own OpenSlide handle from a small pool (see `OpenSlideHandlePool`), so a
/// corrupt tile fails only the read that met it, never the slide's other readers.
///
/// Known OpenSlide 3.4.1 limitation: in generic TIFFs whose tiles are not JPEG (deflate, LZW), a
/// level narrower or shorter than one tile decodes to garbage without an error being reported;
/// JPEG-tiled slides (Camelyon, SVS) are not affected.
public final class OpenSlideSlide: Slide {
    public let path: String
    public let vendor: String
    public let levels: [SlideLevel]
    public let micronsPerPixel: MicronsPerPixel?
    /// Where `micronsPerPixel` came from.
    public let resolutionSource: ResolutionSource
    public let objectivePower: Double?
    public let properties: [String: String]
    public let associatedImageNames: [String]
    public let warnings: [String]
    /// The TIFF directory chain, for files that are TIFFs (checked before OpenSlide opens them).
    public let tiffStructure: TIFFStructure?

    /// The most pixels one `readRegion` call may ask for (OpenSlide needs 4 bytes per pixel).
    public static let maximumRegionPixels = 1 << 28

    private let pool: OpenSlideHandlePool

    /// Opens a slide.
    ///
    /// - Parameters:
    ///   - path: the slide file.
    ///   - mppOverride: level-0 µm/px to use instead of the metadata (for slides whose metadata is
    ///     missing or wrong). When `nil`, `openslide.mpp-x/y` is used, then the TIFF resolution tags,
    ///     else the resolution is unknown (`nil`).
    ///   - maximumIdleHandles: how many OpenSlide handles stay open between reads (each holds
    ///     OpenSlide's 32 MiB tile cache); defaults to the number of processors.
    /// - Throws: `SlideError` naming the file: missing, unreadable, empty, unsupported (with what
    ///   the file looks like and how to convert it) or corrupt (with OpenSlide's message, or the
    ///   TIFF structure problem found before OpenSlide was given the file).
    public init(path: String, mppOverride: MicronsPerPixel? = nil,
                maximumIdleHandles: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        try SlideFileProbe.checkReadable(path)
        LibTIFFMessages.install()
        _ = LibTIFFMessages.take()
        let structure = TIFFStructure.appliesTo(path) ? try TIFFStructure(path: path) : nil
        tiffStructure = structure
        _ = LibTIFFMessages.take()
        guard let vendorName = openslide_detect_vendor(path).map({ String(cString: $0) }) else {
            throw SlideFileProbe.unsupportedFormatError(path)
        }
        guard let handle = OpenSlideHandle.open(path) else {
            throw SlideFileProbe.unsupportedFormatError(path)
        }
        if let error = handle.error {
            throw SlideError.corrupt(path: path, reason: Self.withLibTIFFMessages(error))
        }
        self.path = path
        self.vendor = vendorName

        let pointer = handle.pointer
        var levels: [SlideLevel] = []
        for index in 0..<openslide_get_level_count(pointer) {
            var width: Int64 = 0, height: Int64 = 0
            openslide_get_level_dimensions(pointer, index, &width, &height)
            levels.append(SlideLevel(width: Int(width), height: Int(height),
                                     downsample: openslide_get_level_downsample(pointer, index)))
        }
        let properties = Self.readProperties(pointer)
        let associatedNames = Self.readStringList(openslide_get_associated_image_names(pointer))
        if let error = handle.error {
            throw SlideError.corrupt(path: path, reason: error)
        }
        guard !levels.isEmpty, levels[0].width > 0, levels[0].height > 0 else {
            throw SlideError.corrupt(path: path, reason: "OpenSlide reports no pixels (level 0 is empty)")
        }
        self.levels = levels
        self.properties = properties
        self.associatedImageNames = associatedNames
        self.objectivePower = properties["openslide.objective-power"].flatMap(Double.init)
        var warnings = Self.unique(LibTIFFMessages.take().map(\.description))

        if let mppOverride {
            micronsPerPixel = mppOverride
            resolutionSource = .override
        } else if let x = properties["openslide.mpp-x"].flatMap(Double.init), x > 0,
                  let y = properties["openslide.mpp-y"].flatMap(Double.init), y > 0 {
            micronsPerPixel = MicronsPerPixel(x: x, y: y)
            resolutionSource = .openSlideProperties
        } else if let structure, case let fromTags = TIFFResolution.level0(of: structure), let mpp = fromTags.micronsPerPixel {
            micronsPerPixel = mpp
            resolutionSource = .tiffResolutionTags
            warnings += fromTags.warnings
        } else {
            micronsPerPixel = nil
            resolutionSource = .unknown
        }
        self.warnings = warnings
        pool = OpenSlideHandlePool(path: path, first: handle, maximumIdle: maximumIdleHandles)
    }

    public func readRegion(level: Int, x: Int, y: Int, width: Int, height: Int) throws -> RGBImage {
        func invalid(_ reason: String) -> SlideError {
            .invalidRegion(path: path, level: level, x: x, y: y, width: width, height: height, reason: reason)
        }
        guard levels.indices.contains(level) else {
            throw invalid("the slide has levels 0...\(levels.count - 1)")
        }
        guard width >= 0, height >= 0 else { throw invalid("negative size") }
        guard width.multipliedReportingOverflow(by: height).partialValue <= Self.maximumRegionPixels,
              width <= Self.maximumRegionPixels, height <= Self.maximumRegionPixels else {
            throw invalid("more than \(Self.maximumRegionPixels) pixels in one read; read it in pieces")
        }
        if width == 0 || height == 0 { return RGBImage(width: width, height: height) }
        var argb = [UInt32](repeating: 0, count: width * height)
        try pool.withHandle { handle in
            _ = LibTIFFMessages.take()
            argb.withUnsafeMutableBufferPointer { buffer in
                openslide_read_region(handle.pointer, buffer.baseAddress, Int64(x), Int64(y), Int32(level),
                                      Int64(width), Int64(height))
            }
            let messages = LibTIFFMessages.take()
            if let error = handle.error {
                throw SlideError.readFailed(path: path, level: level, x: x, y: y, width: width, height: height,
                                            reason: Self.withLibTIFFMessages(error, messages))
            }
            // libjpeg's warnings mean the pixels were decoded from damaged data: garbled, not read.
            let decoder = messages.filter(\.isFromJPEGDecoder)
            if !decoder.isEmpty {
                throw SlideError.readFailed(path: path, level: level, x: x, y: y, width: width, height: height,
                                            reason: "JPEG data decoded with warnings (corrupt tile data): "
                                                + Self.unique(decoder.map(\.text)).joined(separator: "; "))
            }
        }
        return PremultipliedARGB.rgbImage(argb, width: width, height: height)
    }

    public func associatedImage(named name: String) throws -> RGBImage {
        guard associatedImageNames.contains(name) else {
            throw SlideError.associatedImageNotFound(path: path, name: name, available: associatedImageNames)
        }
        return try pool.withHandle { handle in
            var width: Int64 = 0, height: Int64 = 0
            openslide_get_associated_image_dimensions(handle.pointer, name, &width, &height)
            if let error = handle.error { throw SlideError.corrupt(path: path, reason: error) }
            guard width > 0, height > 0, Int(width) * Int(height) <= Self.maximumRegionPixels else {
                throw SlideError.corrupt(path: path, reason: "associated image '\(name)' has size \(width) x \(height)")
            }
            var argb = [UInt32](repeating: 0, count: Int(width * height))
            argb.withUnsafeMutableBufferPointer { openslide_read_associated_image(handle.pointer, name, $0.baseAddress) }
            if let error = handle.error {
                throw SlideError.corrupt(path: path, reason: "associated image '\(name)': \(error)")
            }
            return PremultipliedARGB.rgbImage(argb, width: Int(width), height: Int(height))
        }
    }

    /// OpenSlide's message followed by what libtiff said on this thread meanwhile.
    private static func withLibTIFFMessages(_ error: String, _ messages: [LibTIFFMessages.Message] = LibTIFFMessages.take()) -> String {
        let extra = unique(messages.map(\.description))
        return extra.isEmpty ? error : error + " (" + extra.joined(separator: "; ") + ")"
    }

    private static func unique(_ lines: [String]) -> [String] {
        var seen = Set<String>()
        return lines.filter { seen.insert($0).inserted }
    }

    private static func readProperties(_ pointer: OpaquePointer) -> [String: String] {
        var properties: [String: String] = [:]
        for name in readStringList(openslide_get_property_names(pointer)) {
            if let value = openslide_get_property_value(pointer, name) {
                properties[name] = String(cString: value)
            }
        }
        return properties
    }

    /// Copies a NULL-terminated array of C strings, as OpenSlide returns its name lists.
    private static func readStringList(_ list: UnsafePointer<UnsafePointer<CChar>?>?) -> [String] {
        guard let list else { return [] }
        var names: [String] = []
        var index = 0
        while let name = list[index] {
            names.append(String(cString: name))
            index += 1
        }
        return names
    }
}
