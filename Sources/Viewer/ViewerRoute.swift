import Foundation
import RunSupport

/// What a request asks for, parsed from its target before anything touches the filesystem.
///
/// Parsing is the first safety check: the path is percent-decoded once, and any segment that is
/// empty, `.` or `..`, or holds a NUL, a backslash or a control character makes the whole request
/// unknown (404). Slide ids must be safe file names (`SlideID`); whether the run lists them is
/// checked by the router, and run files are then resolved by `RunFileGuard`.
public enum ViewerRoute: Equatable, Sendable {
    /// The run page.
    case runPage
    /// The page of one slide.
    case slidePage(id: String)
    /// A stylesheet or script of the viewer, by file name.
    case asset(name: String)
    /// The run's slides, labels and predictions as JSON.
    case runJSON
    /// Size, pyramid and prediction of a slide as JSON.
    case slideJSON(id: String)
    /// The slide's attention as JSON.
    case attention(id: String)
    /// The slide's Deep Zoom descriptor.
    case deepZoomDescriptor(id: String)
    /// One Deep Zoom tile.
    case tile(id: String, level: Int, column: Int, row: Int)
    /// The whole slide, small.
    case thumbnail(id: String)
    /// The run's heatmap picture of the slide.
    case heatmap(id: String)
    /// The tissue outline as a PNG (green boundary on black).
    case tissueOutline(id: String)
    /// A square of the slide (`side` level-0 px at `x`, `y`), for the tile strip.
    case patch(id: String, x: Int, y: Int, side: Int)
    /// A file of the run, by its path inside the run folder.
    case runFile(components: [String])

    /// The longest request target accepted (bytes); longer ones are refused before parsing.
    public static let maximumTargetLength = 2048
    /// The largest patch side (level-0 px) the strip may ask for.
    public static let maximumPatchSide = 8192

    /// Parses a request target (`/slides/a/tiles/3/0_1.jpg?v=2`); `nil` for anything unknown
    /// or unsafe.
    public static func parse(_ target: String) -> ViewerRoute? {
        guard target.utf8.count <= maximumTargetLength, target.hasPrefix("/") else { return nil }
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let decoded = String(pathPart).removingPercentEncoding else { return nil }
        var segments = decoded.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        if segments.last == "" { segments.removeLast() }
        for segment in segments {
            if segment.isEmpty || segment == "." || segment == ".." { return nil }
            if segment.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" || $0.value == 0x7F }) { return nil }
        }
        switch segments.count {
        case 0: return .runPage
        default: break
        }
        switch segments[0] {
        case "static" where segments.count == 2:
            return WebAssets.contentType(of: segments[1]) == nil ? nil : .asset(name: segments[1])
        case "api":
            return apiRoute(Array(segments.dropFirst()))
        case "slides":
            return slideRoute(Array(segments.dropFirst()))
        case "files" where segments.count >= 2:
            return .runFile(components: Array(segments.dropFirst()))
        default:
            return nil
        }
    }

    private static func apiRoute(_ segments: [String]) -> ViewerRoute? {
        if segments == ["run.json"] { return .runJSON }
        guard segments.count == 2 || segments.count == 3, segments[0] == "slides" else { return nil }
        if segments.count == 2 {
            guard segments[1].hasSuffix(".json"), let id = safeID(String(segments[1].dropLast(5))) else { return nil }
            return .slideJSON(id: id)
        }
        guard let id = safeID(segments[1]), segments[2] == "attention.json" else { return nil }
        return .attention(id: id)
    }

    private static func slideRoute(_ segments: [String]) -> ViewerRoute? {
        guard let first = segments.first, let id = safeID(first) else { return nil }
        switch Array(segments.dropFirst()) {
        case []: return .slidePage(id: id)
        case ["slide.dzi"]: return .deepZoomDescriptor(id: id)
        case ["thumbnail.jpg"]: return .thumbnail(id: id)
        case ["heatmap.png"]: return .heatmap(id: id)
        case ["tissue.png"]: return .tissueOutline(id: id)
        case let rest where rest.count == 3 && rest[0] == "tiles":
            guard let level = Int(rest[1]), level >= 0, let (column, row) = pair(rest[2], suffix: ".jpg") else { return nil }
            return .tile(id: id, level: level, column: column, row: row)
        case let rest where rest.count == 2 && rest[0] == "patch":
            let name = rest[1]
            guard name.hasSuffix(".jpg") else { return nil }
            let numbers = name.dropLast(4).split(separator: "_").compactMap { Int($0) }
            guard numbers.count == 3, numbers[0] >= 0, numbers[1] >= 0,
                  (1...maximumPatchSide).contains(numbers[2]) else { return nil }
            return .patch(id: id, x: numbers[0], y: numbers[1], side: numbers[2])
        default: return nil
        }
    }

    /// `c_r.jpg` → (c, r), both non-negative.
    private static func pair(_ name: String, suffix: String) -> (Int, Int)? {
        guard name.hasSuffix(suffix) else { return nil }
        let parts = name.dropLast(suffix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a >= 0, b >= 0 else { return nil }
        return (a, b)
    }

    private static func safeID(_ id: String) -> String? { SlideID.problem(id) == nil ? id : nil }
}
