import ArgumentParser
import RunSupport
import TileStage

/// Options shared by `tile` and `extract` for how slides are read (the keys of
/// `SlideReadingSettings.keys`, the same in both stages' settings).
struct SlideReadingOptions: ParsableArguments {
    @Option(help: .setting(TileSettings.self, "reader", valueName: "auto|openslide"))
    var reader = SlideReaderChoice.auto.rawValue

    @Flag(help: .setting(TileSettings.self, "exactResampling"))
    var exactResampling = false

    @Option(help: .setting(TileSettings.self, "tileCacheMb"))
    var tileCacheMb = TileSettings().reading.tileCacheBytes >> 20
}
