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

}

/// Which reader opens slides: the direct one where it applies (`auto`), or OpenSlide for all.
public enum SlideReaderChoice: String, SettingValue, CaseIterable, Sendable {
    case auto
    case openslide
}

extension SlideReadingSettings {
    /// The reader settings of a stage whose settings hold them at `path` (tile and extract):
    /// `reader`, `exactResampling` and `tileCacheMb`.
    public static func keys<Settings: StageSettings>(_ path: WritableKeyPath<Settings, SlideReadingSettings>) -> [SettingKey<Settings>] {
        [
            SettingKey("reader", "Slide reader: auto (libtiff + libjpeg-turbo for tiled JPEG TIFFs such as SVS and generic pyramidal TIFF, OpenSlide for the rest) or openslide (every slide).",
                       get: { $0[keyPath: path].directReader ? SlideReaderChoice.auto : .openslide },
                       set: { $0[keyPath: path].directReader = $1 == .auto }),
            SettingKey("exactResampling", path.appending(path: \.exactResampling),
                       "Shrink tiles read at a finer level by decoding every pixel and area-averaging (OpenSlide's bytes) instead of decoding JPEG tiles at 1/2, 1/4 or 1/8 first."),
            SettingKey("tileCacheMb", "Memory for decoded stored tiles shared by the readers of a slide, in MiB (0 turns the cache off).",
                       range: SettingRange(0, Double(1 << 20)),
                       get: { $0[keyPath: path].tileCacheBytes >> 20 }, set: { $0[keyPath: path].tileCacheBytes = $1 << 20 }),
        ]
    }
}
