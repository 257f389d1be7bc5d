import Foundation

/// An HTTP answer: status, content type, cache policy and body.
public struct ViewerResponse: Sendable {
    public let status: Int
    public let contentType: String
    public let cacheControl: String
    public let body: Data

    static func notFound() -> ViewerResponse {
        ViewerResponse(status: 404, contentType: "text/plain; charset=utf-8", cacheControl: "no-store", body: Data("not found\n".utf8))
    }

    static func text(_ status: Int, _ message: String) -> ViewerResponse {
        ViewerResponse(status: status, contentType: "text/plain; charset=utf-8", cacheControl: "no-store", body: Data((message + "\n").utf8))
    }
}

/// Answers the viewer's requests over one run: parses the target (`ViewerRoute`), checks the
/// slide is one the run lists, and asks the image source, the annotations or the run-file guard
/// for the bytes. Everything unknown, unlisted or refused is 404. Thread-safe; slow answers
/// (tiles, outlines) run on the caller's thread.
public final class ViewerRouter: @unchecked Sendable {
    /// The run served.
    public let run: ViewerRun
    private let images: SlideImageSource
    private let annotations: SlideAnnotations
    private let files: RunFileGuard

    /// Slide pictures (tiles, thumbnails, patches) may be kept by the browser this long: they
    /// never change while the server runs, but a rerun of the pipeline may rewrite a run.
    static let pictureCache = "private, max-age=3600"

    /// A router over `run`, caching at most `cacheBytes` of encoded pictures.
    public init(run: ViewerRun, cacheBytes: Int = 256 << 20) {
        self.run = run
        images = SlideImageSource(run: run, cacheBytes: cacheBytes)
        annotations = SlideAnnotations(run: run, images: images)
        files = RunFileGuard(root: run.root)
    }

    /// The answer to `method` on `target`. Only GET and HEAD are served (405 otherwise).
    public func respond(method: String, target: String) -> ViewerResponse {
        guard method == "GET" || method == "HEAD" else { return .text(405, "method not allowed") }
        guard let route = ViewerRoute.parse(target) else { return .notFound() }
        do {
            return try answer(route) ?? .notFound()
        } catch is TileTooCostly {
            return .notFound()
        } catch {
            // The reason (which names files) goes to the person running the server, not to the page.
            FileHandle.standardError.write(Data("\(target): \(error)\n".utf8))
            return .text(500, "cannot answer this request; the server's output says why")
        }
    }

    private func answer(_ route: ViewerRoute) throws -> ViewerResponse? {
        switch route {
        case .runPage:
            return asset("index.html")
        case let .slidePage(id):
            return listed(id) ? asset("slide.html") : nil
        case let .asset(name):
            return asset(name)
        case .runJSON:
            let body = try JSONEncoder().encode(RunSummary(run: run))
            return ViewerResponse(status: 200, contentType: "application/json", cacheControl: "no-cache", body: body)
        case let .slideJSON(id):
            guard listed(id), let info = try slideInfo(id) else { return nil }
            return ViewerResponse(status: 200, contentType: "application/json", cacheControl: "no-cache",
                                  body: try JSONEncoder().encode(info))
        case let .attention(id):
            guard listed(id), let body = try annotations.attentionJSON(id) else { return nil }
            return ViewerResponse(status: 200, contentType: "application/json", cacheControl: "no-cache", body: body)
        case let .deepZoomDescriptor(id):
            guard listed(id), let pyramid = try images.pyramid(id) else { return nil }
            return ViewerResponse(status: 200, contentType: "application/xml", cacheControl: "no-cache",
                                  body: Data(pyramid.descriptor().utf8))
        case let .tile(id, level, column, row):
            guard listed(id), let body = try images.tile(id, level: level, column: column, row: row) else { return nil }
            return picture(body, "image/jpeg")
        case let .thumbnail(id):
            guard listed(id), let body = try images.thumbnail(id) else { return nil }
            return picture(body, "image/jpeg")
        case let .patch(id, x, y, side):
            guard listed(id), let slide = try images.slide(id),
                  x < slide.dimensions.width, y < slide.dimensions.height,
                  let body = try images.patch(id, x: x, y: y, side: side) else { return nil }
            return picture(body, "image/jpeg")
        case let .heatmap(id):
            guard listed(id), let folder = run.heatmapFolder else { return nil }
            let relative = folder.path.dropFirst(run.root.path.count).split(separator: "/").map(String.init)
            return try file(relative + ["\(id)_heatmap.png"])
        case let .tissueOutline(id):
            guard listed(id), let body = try annotations.tissueOutlinePNG(id) else { return nil }
            return picture(body, "image/png")
        case let .runFile(components):
            return try file(components)
        }
    }

    private func listed(_ id: String) -> Bool { run.slide(id) != nil }

    private func asset(_ name: String) -> ViewerResponse? {
        guard let type = WebAssets.contentType(of: name), let body = WebAssets.data(name) else { return nil }
        return ViewerResponse(status: 200, contentType: type, cacheControl: "no-cache", body: body)
    }

    private func picture(_ body: Data, _ type: String) -> ViewerResponse {
        ViewerResponse(status: 200, contentType: type, cacheControl: Self.pictureCache, body: body)
    }

    private func file(_ components: [String]) throws -> ViewerResponse? {
        guard let (url, type) = files.resolve(components) else { return nil }
        return ViewerResponse(status: 200, contentType: type, cacheControl: "no-cache", body: try Data(contentsOf: url))
    }

    private func slideInfo(_ id: String) throws -> SlideInfo? {
        guard let entry = run.slide(id) else { return nil }
        let slide = try images.slide(id)
        let pyramid = try images.pyramid(id)
        return SlideInfo(slide: entry, width: slide?.dimensions.width, height: slide?.dimensions.height,
                         tileSize: pyramid?.tileSize, levelCount: pyramid?.levelCount,
                         micronsPerPixel: slide?.micronsPerPixel?.x, classNames: run.classNames)
    }
}

/// The run page's data.
struct RunSummary: Encodable {
    let name: String
    let classNames: [String]
    let slides: [ViewerSlide]

    init(run: ViewerRun) {
        name = run.root.lastPathComponent
        classNames = run.classNames
        slides = run.slides
    }
}

/// The slide page's data: the run's row for the slide, and its size and pyramid when the slide
/// file is there.
struct SlideInfo: Encodable {
    let slide: ViewerSlide
    let width: Int?
    let height: Int?
    let tileSize: Int?
    let levelCount: Int?
    let micronsPerPixel: Double?
    let classNames: [String]
}
