import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// `slidemil view` in a real browser: the smallest demo run served on a free port, its pages
/// loaded by headless Chromium, and what rendered read back from the DOM (slide rows and their
/// probabilities against predictions.csv; tiles loaded as images; the attention overlay drawn).
/// Screenshots go to `SLIDEMIL_VIEWER_SCREENSHOTS` when set (docs/images is made that way).
/// Skipped where Chromium is not installed.
final class ViewerBrowserTests: XCTestCase {
    private var folder: URL!
    private var server: Process?
    private var serverOutput = ServerOutput()

    override func setUpWithError() throws {
        try BuiltTool.requireSlidemil()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-view-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let server, server.isRunning { server.terminate() }
        try? FileManager.default.removeItem(at: folder)
    }

    func testRunAndSlidePagesRenderInChromium() throws {
        let chromium = try Self.chromium()
        let run = folder.appendingPathComponent("demo")
        let demo = try BuiltTool.run(BuiltTool.slidemil, ["demo", "--smallest", "--output", run.path])
        XCTAssertEqual(demo.status, 0, demo.output.suffix(600).description)
        let base = try startServer(run: run)

        // Direct requests: a tile is a JPEG with its content type, a traversal attempt a 404.
        let (tile, tileType, tileStatus) = try fetch(base + "api/run.json")
        XCTAssertEqual(tileStatus, 200)
        XCTAssertEqual(tileType, "application/json")
        let runJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: tile) as? [String: Any])
        // The slide with attention and the highest probability: the most telling screenshot.
        let withAttention = ((runJSON["slides"] as? [[String: Any]]) ?? []).filter { $0["hasAttention"] as? Bool == true }
        let slideID = try XCTUnwrap(withAttention.max { ($0["probability"] as? Double ?? 0) < ($1["probability"] as? Double ?? 0) }?["id"] as? String)
        let jpeg = try fetch(base + "slides/\(slideID)/tiles/8/0_0.jpg")
        XCTAssertEqual(jpeg.status, 200)
        XCTAssertEqual(jpeg.type, "image/jpeg")
        XCTAssertEqual(Array(jpeg.data.prefix(3)), [0xFF, 0xD8, 0xFF], "JPEG start-of-image marker")
        XCTAssertEqual(Array(jpeg.data.suffix(2)), [0xFF, 0xD9], "JPEG end-of-image marker")
        XCTAssertEqual(try fetch(base + "files/%2e%2e/%2e%2e/etc/passwd").status, 404)

        // The run page: one row per prediction, probabilities as predictions.csv has them.
        let runPage = try dumpDOM(chromium, base)
        let predictions = try String(contentsOf: run.appendingPathComponent("predictions/predictions.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertFalse(predictions.isEmpty)
        for row in predictions {
            let id = row[0], probability = String(format: "%.4f", Double(row[1]) ?? -1)
            let rowHTML = try XCTUnwrap(Self.element(in: runPage, opening: "<tr data-slide=\"\(id)\"", closing: "</tr>"), "no row for \(id)")
            XCTAssertTrue(rowHTML.contains(">\(probability)<"), "row \(id) lacks probability \(probability): \(rowHTML.prefix(400))")
            XCTAssertTrue(rowHTML.contains("/slides/\(id)/thumbnail.jpg"), rowHTML)
        }

        // The slide page: tiles loaded as images (a broken JPEG fires onerror), the overlay drawn.
        let slidePage = try dumpDOM(chromium, base + "slides/\(slideID)")
        let stats = try XCTUnwrap(Self.element(in: slidePage, opening: "<output id=\"stats\"", closing: ">"), slidePage.suffix(600).description)
        XCTAssertTrue(stats.contains("data-done=\"1\""), stats)
        XCTAssertGreaterThan(Self.number("data-tiles-loaded", in: stats), 0, stats)
        XCTAssertEqual(Self.number("data-tiles-failed", in: stats), 0, stats)
        XCTAssertGreaterThan(Self.number("data-overlay-pixels", in: stats), 1000, "the attention overlay drew nothing: \(stats)")

        let pictures = ProcessInfo.processInfo.environment["SLIDEMIL_VIEWER_SCREENSHOTS"].map { URL(fileURLWithPath: $0) } ?? folder!
        for (name, url) in [("viewer-run.png", base), ("viewer-slide.png", base + "slides/\(slideID)")] {
            let file = pictures.appendingPathComponent(name)
            try screenshot(chromium, url, to: file)
            let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            XCTAssertGreaterThan(size, 10_000, "\(name) is too small to show the page")
        }

        // Ctrl-C stops the server cleanly.
        let server = try XCTUnwrap(self.server)
        kill(server.processIdentifier, SIGINT)
        server.waitUntilExit()
        XCTAssertEqual(server.terminationReason, .exit)
        XCTAssertEqual(server.terminationStatus, 0, serverOutput.text)
    }

    // MARK: - The server

    /// Starts `slidemil view RUN --port 0` and returns its base URL once it prints it.
    private func startServer(run: URL) throws -> String {
        let process = Process()
        process.executableURL = BuiltTool.slidemil
        process.arguments = ["view", run.path, "--port", "0"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = serverOutput
        pipe.fileHandleForReading.readabilityHandler = { output.append($0.availableData) }
        try process.run()
        server = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let range = output.text.range(of: #"http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression) {
                return String(output.text[range])
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw XCTSkip("slidemil view did not print its address: \(output.text)")
    }

    private func fetch(_ url: String) throws -> (data: Data, type: String?, status: Int) {
        let done = DispatchSemaphore(value: 0)
        let box = FetchResult()
        URLSession.shared.dataTask(with: URL(string: url)!) { data, response, error in
            box.value = (data ?? Data(), (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type"),
                         (response as? HTTPURLResponse)?.statusCode ?? -1)
            box.error = error
            done.signal()
        }.resume()
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success, url)
        if let error = box.error { throw error }
        return box.value
    }

    // MARK: - Chromium

    /// Debian's `chromium` (or `CHROMIUM` from the environment); skips the test where absent.
    private static func chromium() throws -> URL {
        let candidates = [ProcessInfo.processInfo.environment["CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        for case let path? in candidates where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        throw XCTSkip("Chromium is not installed (apt-get install chromium); the browser test of `slidemil view` is skipped")
    }

    private func chromiumArguments() -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--mute-audio",
         "--user-data-dir=\(folder.appendingPathComponent("chromium-profile").path)", "--window-size=1280,800",
         "--run-all-compositor-stages-before-draw", "--virtual-time-budget=15000"]
    }

    private func dumpDOM(_ chromium: URL, _ url: String) throws -> String {
        let (status, output) = try BuiltTool.run(chromium, chromiumArguments() + ["--dump-dom", url])
        XCTAssertEqual(status, 0, output.suffix(600).description)
        return output
    }

    private func screenshot(_ chromium: URL, _ url: String, to file: URL) throws {
        let (status, output) = try BuiltTool.run(chromium, chromiumArguments() + ["--screenshot=\(file.path)", url])
        XCTAssertEqual(status, 0, output.suffix(600).description)
    }

    // MARK: - Reading the DOM

    /// The text from `opening` up to and including the next `closing`.
    static func element(in html: String, opening: String, closing: String) -> String? {
        guard let start = html.range(of: opening), let end = html.range(of: closing, range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// The integer value of attribute `name` in `element`, or -1.
    static func number(_ name: String, in element: String) -> Int {
        guard let start = element.range(of: "\(name)=\"") else { return -1 }
        return Int(element[start.upperBound...].prefix { $0.isNumber }) ?? -1
    }
}

/// What the server process printed, collected from its pipe's reader thread.
private final class ServerOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

private final class FetchResult: @unchecked Sendable {
    var value: (Data, String?, Int) = (Data(), nil, -1)
    var error: Error?
}
