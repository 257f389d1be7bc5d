import Foundation
import SlideIO
import Tiling

/// How the tile and extract stages read slides: which reader, how tiles read at a finer level are
/// shrunk, and how much memory decoded stored tiles may hold.
public struct SlideReadingSettings: Sendable, Equatable {
    /// Use the direct libtiff + libjpeg-turbo reader for tiled JPEG TIFFs (default); `false`
    /// reads every slide through OpenSlide.
    public var directReader = true
    /// Decode-then-area-average for tiles read at a finer level (the same bytes as OpenSlide's
    /// path); `false` (default) decodes JPEG tiles at 1/2, 1/4 or 1/8 where it can.
    public var exactResampling = false
    /// Bytes of decoded stored tiles the readers of one slide may keep (default 256 MiB).
    public var tileCacheBytes = DecodedTileCache.defaultBudgetBytes
    /// Opens files SlideMIL cannot check beforehand (not TIFF, or NDPI over 4 GiB) in a child
    /// process first; nil (default) opens them directly.
    public var probe: ChildProcessSlideProbe?

    /// Defaults: direct reader, reduced decoding, 256 MiB cache.
    public init() {}

    /// How tiles read at a finer level are shrunk.
    public var resampling: TileResampling { exactResampling ? .exact : .reducedDecode }

    /// Opens `path` with the chosen reader and a cache of `tileCacheBytes`; `readers` bounds the
    /// handles kept open.
    public func open(path: String, mppOverride: MicronsPerPixel?, readers: Int) throws -> OpenedSlide {
        if let probe, FileManager.default.fileExists(atPath: path), !TIFFStructure.appliesTo(path) {
            try probe.check(path)
        }
        return try SlideOpener.open(path: path, mppOverride: mppOverride, allowDirect: directReader,
                             cache: DecodedTileCache(budgetBytes: tileCacheBytes), maximumIdleHandles: max(1, readers))
    }

    /// The resampling path recorded with tiles made by `reader`: "reduced-decode" only where it
    /// can happen (the direct reader), else "exact".
    public func resamplingName(for reader: SlideReaderKind) -> String {
        reader == .direct ? resampling.rawValue : TileResampling.exact.rawValue
    }

    /// - Throws: `SettingRangeError` for a negative cache size.
    public func validate() throws {
        try SettingRange(0, Double(1 << 40)).check("tile cache bytes (--tile-cache-mb)", tileCacheBytes)
    }
}
