import ArgumentParser
import Foundation
import Viewer

struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Browse a run's slides, predictions and attention in a web browser.",
        discussion: """
        Serves RUN (the folder of 'pipeline', 'demo' or 'predict', and the slides its slides.csv \
        names) on a local web server and prints the address to open. The run page lists the \
        slides with label, predicted probability (per class where predictions.csv has p_<class> \
        columns), tile count, thumbnail and heatmap; a slide page zooms from the whole slide to \
        full resolution with the attention overlay, the tissue outline and the most and least \
        attended tiles. Pages, scripts and styles come with the binary; nothing is fetched from \
        outside. Ctrl-C stops the server.

        Binds to 127.0.0.1 unless --host says otherwise: anyone who can reach the address can see \
        the slides. Only the run's files and its listed slides are served (docs/viewer.md).

        Examples:
          slidemil view demo
          slidemil view run --port 8080
          slidemil view run --host 0.0.0.0 --port 8080     # reachable from other machines
        """
    )

    @Argument(help: ArgumentHelp("The run folder (pipeline, demo or predict output).", valueName: "run"))
    var folder: String

    @Option(help: "TCP port to listen on (0 picks a free one).")
    var port = 8000

    @Option(help: "Address to bind; anything but 127.0.0.1 or ::1 exposes the slides to the network.")
    var host = "127.0.0.1"

    @Option(help: "Memory for encoded tiles and thumbnails, in MiB.")
    var cacheMib = 256

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard (16...16384).contains(cacheMib) else { throw ValidationError("--cache-mib must be in 16...16384") }
    }

    func run() throws {
        let viewerRun = try ViewerRun(path: folder)
        let server = ViewerServer(router: ViewerRouter(run: viewerRun, cacheBytes: cacheMib << 20))
        let bound = try server.start(host: host, port: port)
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            FileHandle.standardError.write(Data(
                "warning: listening on \(host): anyone who can reach this address can see the slides of \(folder)\n".utf8))
        }
        let shown = host.contains(":") ? "[\(host)]" : host
        print("serving \(viewerRun.slides.count) slides of \(folder) at http://\(shown):\(bound)/  (Ctrl-C stops)")
        server.stopOnInterrupt { print("stopping") }
        try server.waitUntilStopped()
    }
}
