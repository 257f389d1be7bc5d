import ArgumentParser
import Bench
import Foundation

struct BenchViewerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "viewer",
        abstract: "Benchmark `slidemil view`: time to first paint and Deep Zoom tile latency over a scripted pan and zoom.",
        discussion: """
        Build with -c release. Serves SLIDE in a run made in WORK (one prediction, attention on a \
        512 px grid) on a free loopback port. First headless Chromium loads the slide page and \
        runs its scripted pan and zoom (eight zooms in, twelve half-view pans, four zooms out), \
        timed by the page: first paint and tile latencies (scripts/bench-viewer-browser.py). Then, \
        on a fresh server, the same views over HTTP with --connections requests in flight: the \
        page and its data plus the whole-slide view's tiles (first paint), each view's tiles, \
        p50/p99 cold and cached, and openslide-python's DeepZoomGenerator on the same tiles as \
        the reference.

        Example (the 100k slide of docs/benchmarks.md):
          slidemil synth big100k.tif --width 100000 --height 100000 --seed 7 --tumors 3
          slidemil bench viewer big100k.tif bench-work
        """
    )

    @Argument(help: "The slide to serve.")
    var slide: String

    @Argument(help: "Work folder for the run it serves.")
    var work: String

    @Option(help: "Requests in flight at once (browsers open 6 per host).")
    var connections = 6

    @Option(help: "Python interpreter with openslide-python for the reference ('none' skips it).")
    var python = "python3"

    @Option(help: "The openslide-python reference script.")
    var script = "scripts/bench-deepzoom-reference.py"

    @Option(help: "Chromium for the in-browser tour ('none' skips it; needs --python).")
    var chromium = "chromium"

    func validate() throws {
        guard (1...64).contains(connections) else { throw ValidationError("--connections must be in 1...64") }
    }

    func run() throws {
        var options = ViewerBenchmark.Options(slide: slide, workFolder: URL(fileURLWithPath: work))
        options.connections = connections
        options.python = python == "none" ? nil : python
        options.script = script
        options.chromium = chromium == "none" ? nil : chromium
        try FileManager.default.createDirectory(at: options.workFolder, withIntermediateDirectories: true)
        try ViewerBenchmark(options: options, log: { print($0) }).run()
    }
}
