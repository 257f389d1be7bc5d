import Viewer
import XCTest

/// Request targets: what each route parses to, and that traversal attempts parse to nothing.
final class ViewerRouteTests: XCTestCase {
    func testRoutes() {
        XCTAssertEqual(ViewerRoute.parse("/"), .runPage)
        XCTAssertEqual(ViewerRoute.parse("/slides/s1"), .slidePage(id: "s1"))
        XCTAssertEqual(ViewerRoute.parse("/slides/s%201/"), .slidePage(id: "s 1"))
        XCTAssertEqual(ViewerRoute.parse("/static/slide.js"), .asset(name: "slide.js"))
        XCTAssertEqual(ViewerRoute.parse("/api/run.json"), .runJSON)
        XCTAssertEqual(ViewerRoute.parse("/api/slides/s1.json"), .slideJSON(id: "s1"))
        XCTAssertEqual(ViewerRoute.parse("/api/slides/s1/attention.json"), .attention(id: "s1"))
        XCTAssertEqual(ViewerRoute.parse("/slides/s1/tiles/12/3_4.jpg?v=1"), .tile(id: "s1", level: 12, column: 3, row: 4))
        XCTAssertEqual(ViewerRoute.parse("/slides/s1/patch/256_512_256.jpg"), .patch(id: "s1", x: 256, y: 512, side: 256))
        XCTAssertEqual(ViewerRoute.parse("/slides/s1/slide.dzi"), .deepZoomDescriptor(id: "s1"))
        XCTAssertEqual(ViewerRoute.parse("/files/heatmaps/s1_heatmap.png"), .runFile(components: ["heatmaps", "s1_heatmap.png"]))
    }

    func testTraversalAndOddTargetsParseToNothing() {
        let refused = [
            "/files/../secret.png", "/files/%2e%2e/secret.png", "/files/heatmaps/..%2f..%2fsecret.png",
            "/files/%2E%2E%2Fsecret.png", "/files/./a.png", "/files//etc/a.png", "/files/a%00.png",
            "/files/a\\..\\b.png", "/static/../Package.swift", "/static/%2e%2e%2fPackage.swift",
            "/static/unknown.js", "/slides/..%2f..%2fetc/tiles/0/0_0.jpg", "/slides/.hidden",
            "/slides/s1/tiles/-1/0_0.jpg", "/slides/s1/tiles/1/0_-1.jpg", "/slides/s1/tiles/1/0_0_0.jpg",
            "/slides/s1/patch/0_0_0.jpg", "/slides/s1/patch/0_0_999999.jpg", "etc/passwd", "",
            "/" + String(repeating: "a", count: ViewerRoute.maximumTargetLength), "/files/%zz.png", "/files",
        ]
        for target in refused {
            XCTAssertNil(ViewerRoute.parse(target), target)
        }
    }
}
