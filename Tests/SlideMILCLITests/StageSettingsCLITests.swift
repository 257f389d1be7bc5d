import ExtractStage
import Foundation
import HeatmapStage
import Pipeline
import RunSupport
import TileStage
import XCTest

/// The stage commands' options stand for their settings types: with no options they give the
/// types' defaults, and the commands the pipeline prints into `commands.sh` give back the
/// pipeline's settings (`--print-settings` shows what a command line stands for).
final class StageSettingsCLITests: XCTestCase {
    override func setUpWithError() throws { try BuiltTool.requireSlidemil() }

    /// `slidemil <arguments> --print-settings`, which must succeed.
    private func printedSettings(_ arguments: [String]) throws -> String {
        let (status, output) = try BuiltTool.run(BuiltTool.slidemil, arguments + ["--print-settings"])
        XCTAssertEqual(status, 0, output)
        return output
    }

    private let tileCommand = ["tile", "slides.csv", "--output", "run"]
    private let extractCommand = ["extract", "slides.csv", "--output", "run"]
    private let heatmapCommand = ["heatmap", "s.tif", "attention/s.h5", "--output", "heatmaps"]

    func testOptionDefaultsAreTheSettingsDefaults() throws {
        XCTAssertEqual(try printedSettings(tileCommand), try ConfigLoader.yaml(["tile": TileSettings()]))
        XCTAssertEqual(try printedSettings(extractCommand + ["--weights", "none"]), try ConfigLoader.yaml(["extract": ExtractSettings()]))
        XCTAssertEqual(try printedSettings(heatmapCommand), try ConfigLoader.yaml(["heatmap": HeatmapSettings()]))
    }

    func testEveryCommandLineKeyIsAnOptionOfItsCommand() throws {
        func options<Settings: StageSettings>(_ settings: Settings.Type) -> [String] {
            Settings.keys.filter { $0.place != .configOnly }.map(\.option)
        }
        for (command, expected) in [("tile", options(TileSettings.self)), ("extract", options(ExtractSettings.self)),
                                    ("heatmap", options(HeatmapSettings.self))] {
            let (_, help) = try BuiltTool.run(BuiltTool.slidemil, [command, "--help"])
            for option in expected { XCTAssertTrue(help.contains(option + " "), "\(command) --help lacks \(option)") }
        }
    }

    func testPrintedCommandsGiveBackThePipelineSettings() throws {
        var config = PipelineConfig()
        config.tile.grid.tileSize = 512
        config.tile.grid.target = .magnification(40)
        config.tile.mppOverride = 0.25
        config.tile.segmentation.threshold = .fixed(20)
        config.tile.segmentation.medianKernel = 5
        config.tile.segmentation.minTissueArea = 1000.5
        config.tile.exportTiles = true
        config.tile.reading.directReader = false
        config.tile.reading.tileCacheBytes = 64 << 20
        config.extract.backbone = .resnet18
        config.extract.baseWidth = 8
        config.extract.inputSize = 64
        config.extract.mean = [0.5, 0.25, 0.125]
        config.extract.workers = 3
        config.extract.badTilePolicy = .skip
        config.extract.reading.exactResampling = true
        config.heatmap.canvas = .maximumSide(700)
        config.heatmap.colormap = .viridis
        config.heatmap.smoothingSigma = 2
        config.heatmap.tissueOnly = false
        config.heatmap.legend = false
        config.heatmap.highAttentionClass = "Tumor"
        config.heatmap.tileLevel = 1
        config.heatmap.geoJSONObjectType = .detection
        config.heatmap.alpha = 0.25
        for settings in [config.tile, config.extract, config.heatmap] as [any StageSettings] {
            XCTAssertFalse(settings.commandArguments().isEmpty, "the test changes every section")
        }
        XCTAssertEqual(try printedSettings(tileCommand + config.tile.commandArguments()), try ConfigLoader.yaml(["tile": config.tile]))
        XCTAssertEqual(try printedSettings(extractCommand + config.extract.commandArguments()), try ConfigLoader.yaml(["extract": config.extract]))
        XCTAssertEqual(try printedSettings(heatmapCommand + config.heatmap.commandArguments()), try ConfigLoader.yaml(["heatmap": config.heatmap]))
    }

    func testSetOverridesTheOptionsAndABadValueIsOneLineNamingTheKey() throws {
        var expected = TileSettings()
        expected.grid.tileSize = 300
        XCTAssertEqual(try printedSettings(tileCommand + ["--tile-size", "200", "--set", "tileSize=300"]), try ConfigLoader.yaml(["tile": expected]))
        XCTAssertEqual(try printedSettings(tileCommand + ["--set", "tile.tileSize=300"]), try ConfigLoader.yaml(["tile": expected]))
        for arguments in [tileCommand + ["--tile-size", "4"], tileCommand + ["--set", "tileSize=4"]] {
            let (status, output) = try BuiltTool.run(BuiltTool.slidemil, arguments)
            XCTAssertNotEqual(status, 0, output)
            XCTAssertTrue(output.contains("tile.tileSize (--tile-size) = 4 is outside its range [8, 16384]"), output)
        }
        let (status, output) = try BuiltTool.run(BuiltTool.slidemil, heatmapCommand + ["--alpha", "1.5"])
        XCTAssertNotEqual(status, 0, output)
        XCTAssertTrue(output.contains("heatmap.alpha (--alpha) = 1.5 is outside its range [0, 1]"), output)
    }
}

/// `slidemil heatmap` draws its slide through the slide-batch runner: a slide that cannot be
/// drawn is one line, exit status 1, and a failed row in the output's process list.
final class HeatmapCommandBatchTests: XCTestCase {
    func testAMissingSlideIsOneLineAndAFailedProcessListRow() throws {
        try BuiltTool.requireSlidemil()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-cli-heatmap-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.tif").path
        let output = folder.appendingPathComponent("heatmaps")
        let (status, text) = try BuiltTool.run(BuiltTool.slidemil, ["heatmap", missing, folder.appendingPathComponent("a.h5").path,
                                                                    "--output", output.path])
        XCTAssertEqual(status, 1, text)
        XCTAssertEqual(text.split(separator: "\n").count, 1, text)
        XCTAssertTrue(text.contains(missing), text)
        let list = try String(contentsOf: output.appendingPathComponent(RunLayout.heatmapProcessList), encoding: .utf8)
        XCTAssertTrue(list.contains("missing,failed"), list)
    }
}
