import ArgumentParser
import Diagnostics

struct SlideInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slide-info",
        abstract: "Show a slide's format, pyramid levels, resolution and associated images.",
        discussion: """
        The resolution line says where the µm/px came from (OpenSlide's mpp properties, the TIFF \
        resolution tags, or --mpp), so a slide that 'slidemil tile' would tile at the wrong scale \
        shows up before any work is done.

        Examples:
          slidemil slide-info slides-sample/synthetic_0.tif
          slidemil slide-info scan.svs --json
        """
    )

    @Argument(help: "The slide file (any format OpenSlide reads).")
    var slide: String

    @Option(help: "Level-0 micrometres per pixel to use instead of the metadata.")
    var mpp: Double?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if let mpp, !(mpp > 0) { throw ValidationError("--mpp must be positive") }
    }

    func run() throws {
        let report = try SlideInfoReport(path: slide, mpp: mpp)
        print(json ? try report.json() : report.text())
    }
}
