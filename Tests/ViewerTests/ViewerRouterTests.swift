import CTurboJPEG
import Foundation
import Raster
import SlideIO
import SlideSynthesis
import Store
import Viewer
import XCTest

/// The router over a small run on disk: what it serves, with which content type, and that
/// everything outside the run (traversal, symlinks out, folders, unlisted slides) is a 404.
final class ViewerRouterTests: XCTestCase {
    private static var folder: URL!
    private static var router: ViewerRouter!
    private static let slideWidth = 1500, slideHeight = 1000

    /// The run: one synthetic slide with predictions, attention and a heatmap, a file outside the
    /// run, and symlinks to it and to a file inside.
    override class func setUp() {
        super.setUp()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-viewer-\(UUID().uuidString)")
        let run = folder.appendingPathComponent("run")
        let fileManager = FileManager.default
        do {
            for sub in ["run/heatmaps/folder.png", "run/predictions/attention", "outside"] {
                try fileManager.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            let synthetic = try SyntheticSlide(.init(width: slideWidth, height: slideHeight, seed: 3, tumorCount: 1))
            let slidePath = folder.appendingPathComponent("s1.tif").path
            try PyramidalTIFFWriter(width: slideWidth, height: slideHeight, micronsPerPixel: MicronsPerPixel(x: 0.25, y: 0.25))
                .write(to: slidePath) { synthetic.region(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
            let broken = folder.appendingPathComponent("broken.tif").path
            try Data("not a TIFF".utf8).write(to: URL(fileURLWithPath: broken))
            try "path,slide_id\n\(slidePath),s1\n\(broken),s3\n".write(to: run.appendingPathComponent("slides.csv"), atomically: true, encoding: .utf8)
            try "slide_id,probability,predicted_label,tiles\ns1,0.812500,tumor,3\ns2,0.125000,normal,5\n"
                .write(to: run.appendingPathComponent("predictions/predictions.csv"), atomically: true, encoding: .utf8)
            try HeatmapScores(coordinates: [PatchCoordinate(x: 0, y: 0), PatchCoordinate(x: 256, y: 0), PatchCoordinate(x: 512, y: 256),
                                            PatchCoordinate(x: 768, y: 256), PatchCoordinate(x: 768, y: 512)],
                              attention: [0.2, 0.9, 0.1, 0.5, 0.05], patchSizeLevel0: 256, probability: 0.8125)
                .write(to: run.appendingPathComponent("predictions/attention/s1.h5"))
            try Data([0x89, 0x50, 0x4E, 0x47]).write(to: run.appendingPathComponent("heatmaps/s1_heatmap.png"))
            try Data("secret".utf8).write(to: folder.appendingPathComponent("outside/secret.png"))
            try fileManager.createSymbolicLink(atPath: run.appendingPathComponent("heatmaps/out.png").path,
                                               withDestinationPath: folder.appendingPathComponent("outside/secret.png").path)
            try fileManager.createSymbolicLink(atPath: run.appendingPathComponent("heatmaps/relative-out.png").path,
                                               withDestinationPath: "../../outside/secret.png")
            try fileManager.createSymbolicLink(atPath: run.appendingPathComponent("heatmaps/in.png").path,
                                               withDestinationPath: "s1_heatmap.png")
            try fileManager.createSymbolicLink(atPath: folder.appendingPathComponent("link-to-run").path, withDestinationPath: run.path)
            // Served through a symlink to the run: the run's real folder is the boundary.
            router = ViewerRouter(run: try ViewerRun(path: folder.appendingPathComponent("link-to-run").path))
        } catch {
            XCTFail("cannot make the test run: \(error)")
        }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: folder)
        super.tearDown()
    }

    private func get(_ target: String) -> ViewerResponse { Self.router.respond(method: "GET", target: target) }

    func testRunFilesAreServedWithTheirTypes() {
        let heatmap = get("/files/heatmaps/s1_heatmap.png")
        XCTAssertEqual(heatmap.status, 200)
        XCTAssertEqual(heatmap.contentType, "image/png")
        XCTAssertEqual(heatmap.body, Data([0x89, 0x50, 0x4E, 0x47]))
        XCTAssertEqual(get("/slides/s1/heatmap.png").status, 200)
        XCTAssertEqual(get("/files/heatmaps/in.png").status, 200, "a symlink that stays inside the run is served")
        let csv = get("/files/predictions/predictions.csv")
        XCTAssertEqual(csv.status, 200)
        XCTAssertEqual(csv.contentType, "text/csv; charset=utf-8")
    }

    func testEverythingOutsideTheRunIs404() {
        let refused = [
            "/files/heatmaps/out.png", "/files/heatmaps/relative-out.png", "/files/heatmaps/folder.png", "/files/heatmaps",
            "/files/..", "/files/../outside/secret.png", "/files/%2e%2e/outside/secret.png",
            "/files/heatmaps/%2e%2e/%2e%2e/outside/secret.png", "/files/predictions/attention/s1.h5",
            "/files/" + Self.folder.appendingPathComponent("outside/secret.png").path, "/files/%2F" + "etc/passwd",
            "/slides/s9", "/slides/s9/tiles/0/0_0.jpg", "/api/slides/s9.json", "/nothing", "/static/secret.png",
        ]
        for target in refused {
            let response = get(target)
            XCTAssertEqual(response.status, 404, target)
            XCTAssertFalse(String(decoding: response.body, as: UTF8.self).contains("secret"), target)
        }
        XCTAssertEqual(Self.router.respond(method: "POST", target: "/api/run.json").status, 405)
        XCTAssertEqual(Self.router.respond(method: "HEAD", target: "/api/run.json").status, 200)
    }

    func testRunJSONHasThePredictions() throws {
        let response = get("/api/run.json")
        XCTAssertEqual(response.contentType, "application/json")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let slides = try XCTUnwrap(object["slides"] as? [[String: Any]])
        XCTAssertEqual(slides.map { $0["id"] as? String }, ["s1", "s2", "s3"], "predictions first, then listed slides")
        XCTAssertEqual(slides.map { $0["probability"] as? Double }, [0.8125, 0.125, nil])
        XCTAssertEqual(slides.map { $0["tiles"] as? Int }, [3, 5, nil])
        XCTAssertEqual(slides.map { $0["hasAttention"] as? Bool }, [true, false, false])
        XCTAssertEqual(slides.map { $0["hasSlide"] as? Bool }, [true, false, true])
        XCTAssertFalse(String(decoding: response.body, as: UTF8.self).contains(Self.folder.path), "no disk paths reach the browser")
    }

    func testAnUnreadableSlideIs500WithoutItsPath() {
        let response = get("/slides/s3/tiles/0/0_0.jpg")
        XCTAssertEqual(response.status, 500)
        XCTAssertFalse(String(decoding: response.body, as: UTF8.self).contains("broken.tif"), "the reason stays on the server")
    }

    func testAttentionRanksTheTiles() throws {
        let response = get("/api/slides/s1/attention.json")
        XCTAssertEqual(response.status, 200)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        XCTAssertEqual(object["top"] as? [Int], [1, 3], "highest first, at most half the tiles")
        XCTAssertEqual(object["bottom"] as? [Int], [4, 2], "lowest first")
        XCTAssertEqual(object["coords"] as? [Int], [0, 0, 256, 0, 512, 256, 768, 256, 768, 512])
        XCTAssertEqual(object["patchSize"] as? Int, 256)
    }

    func testTilesAreJPEGsOfTheSlideAtTheirLevel() throws {
        let pyramid = DeepZoomPyramid(width: Self.slideWidth, height: Self.slideHeight)
        let top = pyramid.maximumLevel
        let slide = try OpenSlideSlide(path: Self.folder.appendingPathComponent("s1.tif").path)

        let first = get("/slides/s1/tiles/\(top)/1_1.jpg")
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(first.contentType, "image/jpeg")
        XCTAssertTrue(first.cacheControl.contains("max-age"))
        let decoded = try decodeJPEG(first.body)
        XCTAssertEqual([decoded.width, decoded.height], [256, 256])
        let truth = try slide.readRegion(level: 0, x: 256, y: 256, width: 256, height: 256)
        XCTAssertLessThan(meanAbsoluteDifference(decoded.pixels, truth.pixels), 6, "the tile shows the slide at (256, 256)")

        let edge = try decodeJPEG(get("/slides/s1/tiles/\(top)/5_3.jpg").body)
        XCTAssertEqual([edge.width, edge.height], [Self.slideWidth - 5 * 256, Self.slideHeight - 3 * 256])

        // One level down: each tile pixel is 2 x 2 slide pixels.
        let half = try decodeJPEG(get("/slides/s1/tiles/\(top - 1)/0_0.jpg").body)
        XCTAssertEqual([half.width, half.height], [256, 256])
        let halfTruth = ImageResampler.resize(try slide.readRegion(level: 0, x: 0, y: 0, width: 512, height: 512), width: 256, height: 256)
        XCTAssertLessThan(meanAbsoluteDifference(half.pixels, halfTruth.pixels), 6)

        let single = try decodeJPEG(get("/slides/s1/tiles/0/0_0.jpg").body)
        XCTAssertEqual([single.width, single.height], [1, 1])
        XCTAssertEqual(get("/slides/s1/tiles/\(top)/6_0.jpg").status, 404, "past the last column")
        XCTAssertEqual(get("/slides/s1/tiles/\(top + 1)/0_0.jpg").status, 404, "past the last level")
    }

    func testThumbnailPatchAndOutline() throws {
        let thumbnail = try decodeJPEG(get("/slides/s1/thumbnail.jpg").body)
        XCTAssertEqual(max(thumbnail.width, thumbnail.height), 512)
        let patch = try decodeJPEG(get("/slides/s1/patch/256_0_256.jpg").body)
        XCTAssertEqual([patch.width, patch.height], [192, 192])
        XCTAssertEqual(get("/slides/s1/patch/99999_0_256.jpg").status, 404, "a patch outside the slide")
        let outline = get("/slides/s1/tissue.png")
        XCTAssertEqual(outline.status, 200)
        XCTAssertEqual(outline.contentType, "image/png")
        XCTAssertEqual(Array(outline.body.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    private func decodeJPEG(_ data: Data) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let handle = try XCTUnwrap(tjInitDecompress())
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let bytes = [UInt8](data)
        XCTAssertEqual(tjDecompressHeader3(handle, bytes, UInt(bytes.count), &width, &height, &subsampling, &colorspace), 0, "not a JPEG")
        var pixels = [UInt8](repeating: 0, count: Int(width * height * 3))
        XCTAssertEqual(tjDecompress2(handle, bytes, UInt(bytes.count), &pixels, width, width * 3, height, Int32(TJPF_RGB.rawValue), 0), 0)
        return (Int(width), Int(height), pixels)
    }

    private func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        XCTAssertEqual(a.count, b.count)
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        return Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
    }
}
