import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SlideIO
import Store
import Viewer

/// `slidemil bench viewer`: how fast `slidemil view` paints a slide and answers Deep Zoom tile
/// requests on a scripted pan and zoom of a 1280 x 800 view: in headless Chromium (the page's
/// own timing), then over HTTP on loopback against openslide-python's DeepZoomGenerator on the
/// same tiles in the same run.
///
/// The run served is made in the work folder: the slide, one prediction, and an attention file
/// with a score on a 512 px grid over the whole slide (the overlay's size is what a large slide
/// gives). The script: the whole slide, eight zooms by 2 around the centre, six pans right and
/// six down by half a view, four zooms out by 4. Each view asks for the tiles the page would
/// (the level whose pixels match the screen's), as `connections` parallel keep-alive requests,
/// and waits for all before the next view, as the page does.
public struct ViewerBenchmark {
    public struct Options: Sendable {
        /// The slide to serve.
        public var slide: String
        /// Where the run folder and the reference's tile list are written.
        public var workFolder: URL
        /// Parallel requests, as a browser opens per host.
        public var connections = 6
        /// View size in CSS pixels.
        public var viewWidth = 1280
        public var viewHeight = 800
        /// Interpreter for the openslide-python reference; nil skips it.
        public var python: String? = "python3"
        /// The reference script.
        public var script = "scripts/bench-deepzoom-reference.py"
        /// Chromium for the in-browser tour; nil skips it.
        public var chromium: String? = "chromium"
        /// The script that drives Chromium's tour.
        public var browserScript = "scripts/bench-viewer-browser.py"

        public init(slide: String, workFolder: URL) {
            self.slide = slide
            self.workFolder = workFolder
        }
    }

    public let options: Options
    private let log: (String) -> Void

    public init(options: Options, log: @escaping (String) -> Void) {
        self.options = options
        self.log = log
    }

    /// One view of the script: centre (level-0 px) and screen px per level-0 px.
    struct View {
        var centerX: Double
        var centerY: Double
        var scale: Double
    }

    public func run() throws {
        let slide = try SlideOpener.open(path: options.slide).slide
        let (width, height) = slide.dimensions
        let pyramid = DeepZoomPyramid(width: width, height: height)
        let runFolder = try makeRun(width: width, height: height)
        log("slide \(width) x \(height) px, \(pyramid.levelCount) Deep Zoom levels; \(options.connections) connections, "
            + "view \(options.viewWidth) x \(options.viewHeight)")
        // Each half gets its own server, so each starts with an empty tile cache.
        if let chromium = options.chromium, let python = options.python {
            let server = try startServer(runFolder)
            defer { server.server.stop(); try? server.server.waitUntilStopped() }
            browserTour(base: server.base, chromium: chromium, python: python)
        }
        let server = try startServer(runFolder)
        defer { server.server.stop(); try? server.server.waitUntilStopped() }
        let base = server.base

        let client = LoopbackClient(connections: options.connections)
        // First paint: the page, its scripts, the slide's data and the tiles of the whole-slide view.
        let views = script(width: width, height: height)
        let begun = DispatchTime.now().uptimeNanoseconds
        let page = ["/slides/bench", "/static/viewer.css", "/static/deepzoom.js", "/static/overlay.js", "/static/slide.js",
                    "/api/slides/bench.json", "/api/slides/bench/attention.json"]
        _ = try client.fetchAll(page.map { base + $0 })
        var fetched = Set<String>()
        let firstTiles = tiles(in: views[0], pyramid: pyramid).filter { fetched.insert($0).inserted }
        _ = try client.fetchAll(firstTiles.map { base + $0 })
        let firstPaint = Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e6
        log(String(format: "first paint (page, data and %d tiles of the whole-slide view): %.0f ms", firstTiles.count, firstPaint))

        var latencies: [Double] = []
        var order: [String] = []
        let tourBegun = DispatchTime.now().uptimeNanoseconds
        for view in views.dropFirst() {
            let wanted = tiles(in: view, pyramid: pyramid).filter { fetched.insert($0).inserted }
            order += wanted
            latencies += try client.fetchAll(wanted.map { base + $0 })
        }
        let tourSeconds = Double(DispatchTime.now().uptimeNanoseconds - tourBegun) / 1e9
        log(String(format: "pan and zoom, cold: %d tiles in %.2f s (%.0f tiles/s); latency p50 %.1f ms, p99 %.1f ms",
                   latencies.count, tourSeconds, Double(latencies.count) / tourSeconds,
                   percentile(latencies, 0.5), percentile(latencies, 0.99)))
        let warm = try client.fetchAll(order.map { base + $0 })
        log(String(format: "the same tiles again (cache): p50 %.2f ms, p99 %.2f ms", percentile(warm, 0.5), percentile(warm, 0.99)))

        if let reference = try referenceMilliseconds(order) {
            let ours = latencies.reduce(0, +) / Double(latencies.count)
            let theirs = reference.reduce(0, +) / Double(reference.count)
            log(String(format: "openslide-python DeepZoomGenerator + PIL JPEG, same tiles, 1 process: p50 %.1f ms, p99 %.1f ms; "
                       + "mean %.1f ms vs ours %.1f ms over HTTP (%.2fx)",
                       percentile(reference, 0.5), percentile(reference, 0.99), theirs, ours, theirs / ours))
        }
    }

    private func startServer(_ runFolder: URL) throws -> (server: ViewerServer, base: String) {
        let server = ViewerServer(router: ViewerRouter(run: try ViewerRun(path: runFolder.path)))
        let port = try server.start(host: "127.0.0.1", port: 0)
        return (server, "http://127.0.0.1:\(port)")
    }

    /// The slide page in headless Chromium with its own scripted tour (`?tour=1`), timed by the
    /// page in real time (`scripts/bench-viewer-browser.py`).
    private func browserTour(base: String, chromium: String, python: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, options.browserScript, base + "/slides/bench?tour=1", chromium]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch {
            log("browser tour skipped: cannot start \(python): \(error)")
            return
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let stats = try? JSONSerialization.jsonObject(with: data) as? [String: String] else {
            log("browser tour skipped: \(options.browserScript) exited with status \(process.terminationStatus)")
            return
        }
        let value = { (key: String) in stats[key] ?? "?" }
        log("browser (headless Chromium, real time): first paint \(value("firstPaintMs")) ms from navigation start; "
            + "tour of \(value("tourSteps")) views: \(value("tourTiles")) tiles in \(value("tourMs")) ms, "
            + "latency p50 \(value("latencyP50Ms")) ms, p99 \(value("latencyP99Ms")) ms; \(value("tilesFailed")) failed")
    }

    /// The scripted views.
    func script(width: Int, height: Int) -> [View] {
        let fit = min(Double(options.viewWidth) / Double(width), Double(options.viewHeight) / Double(height)) * 0.95
        var view = View(centerX: Double(width) / 2, centerY: Double(height) / 2, scale: fit)
        var views = [view]
        for _ in 0..<8 { view.scale = min(4, view.scale * 2); views.append(view) }
        for _ in 0..<6 { view.centerX += Double(options.viewWidth) / 2 / view.scale; views.append(view) }
        for _ in 0..<6 { view.centerY += Double(options.viewHeight) / 2 / view.scale; views.append(view) }
        for _ in 0..<4 { view.scale = max(fit, view.scale / 4); views.append(view) }
        return views
    }

    /// The tile paths a view shows, at the level the page picks (see `levelForScale` in deepzoom.js).
    func tiles(in view: View, pyramid: DeepZoomPyramid) -> [String] {
        let steps = max(0, Int(floor(log2(max(1, 1 / view.scale)))))
        let level = max(0, pyramid.maximumLevel - steps)
        let factor = Double(pyramid.downsample(ofLevel: level) * pyramid.tileSize)
        let grid = pyramid.tileGrid(ofLevel: level)
        let halfWidth = Double(options.viewWidth) / 2 / view.scale, halfHeight = Double(options.viewHeight) / 2 / view.scale
        let c0 = max(0, Int(floor((view.centerX - halfWidth) / factor))), c1 = min(grid.columns - 1, Int(floor((view.centerX + halfWidth) / factor)))
        let r0 = max(0, Int(floor((view.centerY - halfHeight) / factor))), r1 = min(grid.rows - 1, Int(floor((view.centerY + halfHeight) / factor)))
        guard c0 <= c1, r0 <= r1 else { return [] }
        return (r0...r1).flatMap { row in (c0...c1).map { "/slides/bench/tiles/\(level)/\($0)_\(row).jpg" } }
    }

    /// A run folder naming the slide, with one prediction and attention on a 512 px grid.
    private func makeRun(width: Int, height: Int) throws -> URL {
        let run = options.workFolder.appendingPathComponent("viewer-run")
        try FileManager.default.createDirectory(at: run.appendingPathComponent("attention"), withIntermediateDirectories: true)
        let slidePath = URL(fileURLWithPath: options.slide).standardizedFileURL.path
        try "path,slide_id\n\"\(slidePath)\",bench\n".write(to: run.appendingPathComponent("slides.csv"), atomically: true, encoding: .utf8)
        try "slide_id,probability,predicted_label,tiles\nbench,0.5,tumor,0\n"
            .write(to: run.appendingPathComponent("predictions.csv"), atomically: true, encoding: .utf8)
        let side = 512
        var coordinates: [PatchCoordinate] = [], attention: [Float] = []
        for y in stride(from: 0, to: height - side + 1, by: side) {
            for x in stride(from: 0, to: width - side + 1, by: side) {
                coordinates.append(PatchCoordinate(x: x, y: y))
                // A smooth bump, so the overlay has structure at every zoom.
                let dx = Double(x) / Double(width) - 0.4, dy = Double(y) / Double(height) - 0.6
                attention.append(Float(exp(-(dx * dx + dy * dy) * 12)))
            }
        }
        try HeatmapScores(coordinates: coordinates, attention: attention, patchSizeLevel0: side, probability: 0.5)
            .write(to: run.appendingPathComponent("attention/bench.h5"))
        return run
    }

    /// Milliseconds per tile of the openslide-python reference, or nil when it cannot run.
    private func referenceMilliseconds(_ paths: [String]) throws -> [Double]? {
        guard let python = options.python else { return nil }
        let list = options.workFolder.appendingPathComponent("viewer-tiles.txt")
        let lines = paths.map { path -> String in
            let parts = path.split(separator: "/")
            let name = parts[4].dropLast(4).split(separator: "_")
            return "\(parts[3]) \(name[0]) \(name[1])"
        }
        try (lines.joined(separator: "\n") + "\n").write(to: list, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, options.script, options.slide, list.path, "256", "85"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        do { try process.run() } catch {
            log("openslide-python reference skipped: cannot start \(python): \(error)")
            return nil
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            log("openslide-python reference skipped: \(options.script) exited with status \(process.terminationStatus)")
            return nil
        }
        let values = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Double($0) }
        return values.count == paths.count ? values : nil
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]
    }
}

/// GET requests on loopback, `connections` at a time, each timed from send to last byte.
private final class LoopbackClient: @unchecked Sendable {
    private let session: URLSession
    private let connections: Int

    init(connections: Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = connections
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
        self.connections = connections
    }

    /// Fetches every URL (`connections` in flight at once) and returns each one's milliseconds.
    /// - Throws: `ViewerBenchmarkError` for a transport error or a status other than 200.
    func fetchAll(_ urls: [String]) throws -> [Double] {
        let lock = NSLock()
        var next = 0
        var latencies = [Double](repeating: 0, count: urls.count)
        var failure: String?
        DispatchQueue.concurrentPerform(iterations: min(connections, urls.count)) { _ in
            while true {
                let index: Int? = lock.withLock {
                    guard next < urls.count, failure == nil else { return nil }
                    next += 1
                    return next - 1
                }
                guard let index else { return }
                let begun = DispatchTime.now().uptimeNanoseconds
                let problem = get(urls[index])
                let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e6
                lock.withLock {
                    latencies[index] = milliseconds
                    if let problem { failure = problem }
                }
            }
        }
        if let failure { throw ViewerBenchmarkError.requestFailed(failure) }
        return latencies
    }

    /// nil when `url` answered 200 with a body, else what went wrong.
    private func get(_ url: String) -> String? {
        let done = DispatchSemaphore(value: 0)
        let box = Box()
        session.dataTask(with: URL(string: url)!) { data, response, error in
            let status = (response as? HTTPURLResponse)?.statusCode ?? -1
            if let error { box.problem = "\(url): \(error.localizedDescription)" }
            else if status != 200 || (data?.isEmpty ?? true) { box.problem = "\(url): HTTP \(status)" }
            done.signal()
        }.resume()
        done.wait()
        return box.problem
    }

    private final class Box: @unchecked Sendable { var problem: String? }
}

/// A request of the benchmark failed.
public enum ViewerBenchmarkError: Error, CustomStringConvertible {
    case requestFailed(String)

    public var description: String {
        switch self {
        case let .requestFailed(what): return "viewer benchmark: request failed: \(what)"
        }
    }
}
