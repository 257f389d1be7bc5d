import ArgumentParser
import Foundation
import SlideIO

/// `slidemil probe-slide PATH` (hidden): opens a slide and reads a small region of every level, so
/// that a parent process learns from this one's fate whether the file crashes or hangs a library.
struct ProbeSlideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-slide",
        abstract: "Open a slide and read a little of every level (used by tile and extract in a child process).",
        shouldDisplay: false
    )

    @Argument(help: "The slide file.")
    var path: String

    func run() throws {
        do {
            let slide = try SlideOpener.open(path: path, cache: DecodedTileCache(budgetBytes: 0), maximumIdleHandles: 1).slide
            for (index, level) in slide.levels.enumerated() {
                let x = Int(Double(level.width / 2) * level.downsample), y = Int(Double(level.height / 2) * level.downsample)
                _ = try slide.readRegion(level: index, x: x, y: y, width: 64, height: 64)
            }
        } catch {
            throw ExitCode.failure
        }
    }
}
