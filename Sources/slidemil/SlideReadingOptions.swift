import ArgumentParser
import SlideIO
import RunSupport

/// Options shared by `tile` and `extract` for how slides are read.
struct SlideReadingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Slide reader: auto (libtiff + libjpeg-turbo for tiled JPEG TIFFs such as SVS and generic pyramidal TIFF, OpenSlide for the rest) or openslide (every slide).",
                               valueName: "auto|openslide"))
    var reader = "auto"

    @Flag(name: .customLong("exact-resampling"), help: "Shrink tiles read at a finer level by decoding every pixel and area-averaging (OpenSlide's bytes) instead of decoding JPEG tiles at 1/2, 1/4 or 1/8 first.")
    var exactResampling = false

    @Option(name: .customLong("tile-cache-mb"), help: "Memory for decoded stored tiles shared by the readers of a slide, in MiB (0 turns the cache off).")
    var tileCacheMegabytes = DecodedTileCache.defaultBudgetBytes >> 20

    /// The settings these options stand for.
    func settings() throws -> SlideReadingSettings {
        guard reader == "auto" || reader == "openslide" else { throw ValidationError("--reader must be auto or openslide, got '\(reader)'") }
        guard (0...1 << 20).contains(tileCacheMegabytes) else { throw ValidationError("--tile-cache-mb must be in 0...1048576, got \(tileCacheMegabytes)") }
        var settings = SlideReadingSettings()
        settings.directReader = reader == "auto"
        settings.exactResampling = exactResampling
        settings.tileCacheBytes = tileCacheMegabytes << 20
        settings.probe = ChildProcessSlideProbe.forThisExecutable()
        return settings
    }
}
