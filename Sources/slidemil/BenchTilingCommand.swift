import ArgumentParser
import Foundation
import Bench

struct BenchTilingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiling",
        abstract: "Benchmark tile reading: OpenSlide, the direct JPEG-TIFF reader and openslide-python on the same tiles.",
        discussion: """
        Build with -c release. Writes an Aperio-like slide into WORK once (0.25 µm/px, JPEG tiles, \
        levels at downsample 1, 4, 16), finds its tissue, and reads every tissue tile at 20x (512 px \
        at level 0 shrunk to 256) and at the native resolution: through OpenSlide, through the \
        direct reader (exact and reduced decoding) and, when --python can import openslide, through \
        openslide-python in 1 and 2 processes. Prints tiles/s and ratios from the same run.

        Example:
          slidemil bench tiling bench-work --readers 2 --python python3
        """
    )

    @Argument(help: "Work folder for the slide and coordinate lists.")
    var work: String

    @Option(help: "Level-0 width of the benchmark slide in px.")
    var width = 24_000

    @Option(help: "Level-0 height of the benchmark slide in px.")
    var height = 18_000

    @Option(help: "SlideMIL reader threads.")
    var readers = 2

    @Option(help: "Python interpreter with openslide-python for the reference ('none' skips it).")
    var python = "python3"

    @Option(help: "The openslide-python reference script.")
    var script = "scripts/bench-openslide-read.py"

    func validate() throws {
        guard width >= 2048, height >= 2048, width <= 400_000, height <= 400_000 else {
            throw ValidationError("--width and --height must be in 2048...400000")
        }
        guard readers >= 1 else { throw ValidationError("--readers must be at least 1") }
    }

    func run() throws {
        var options = TilingBenchmark.Options(workFolder: URL(fileURLWithPath: work))
        options.width = width
        options.height = height
        options.readers = readers
        options.python = python == "none" ? nil : python
        options.script = script
        try TilingBenchmark(options: options, log: { print($0) }).run()
    }
}
