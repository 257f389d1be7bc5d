import Foundation

/// A stage that turns slides, one at a time, into files in an output folder (tiling, feature
/// extraction). `SlideBatchRunner` drives it: the stage says what one slide needs and whether a
/// slide is already done; the runner owns the batch.
public protocol SlideStage {
    /// What the progress line says, e.g. "tiling".
    var progressLabel: String { get }
    /// The process list's file name in the output folder, e.g. `process_list.csv`.
    var processListName: String { get }

    /// The tile count of a slide whose outputs are complete and made with this stage's settings,
    /// else nil (the slide is processed again).
    func completedTiles(of slide: SlideEntry) -> Int?

    /// The tiles `slide` will take when known before processing it (for the time estimate).
    func plannedTiles(of slide: SlideEntry) -> Int?

    /// Processes one slide; calls `onTiles` with the number of its tiles done so far.
    /// - Throws: anything that makes the slide fail; the batch goes on.
    func process(_ slide: SlideEntry, onTiles: (Int) -> Void) throws -> SlideResult
}

/// What processing one slide gave.
public struct SlideResult: Equatable, Sendable {
    /// Tiles written.
    public var tiles: Int
    /// Problems that did not stop the slide, recorded in the process list.
    public var warnings: [String]

    public init(tiles: Int, warnings: [String] = []) {
        self.tiles = tiles
        self.warnings = warnings
    }
}

/// What happened to one slide in a batch run.
public enum SlideOutcome: Equatable, Sendable {
    /// Processed in this run.
    case processed(tiles: Int)
    /// Skipped: finished by an earlier run with the same settings.
    case alreadyDone(tiles: Int)
    /// Failed with this reason; recorded in the process list.
    case failed(String)
    /// Left to another worker of a sharded run, which holds the slide's claim now.
    case claimedElsewhere

    /// The tile count, when the slide has its outputs.
    public var tiles: Int? {
        switch self {
        case let .processed(tiles), let .alreadyDone(tiles): return tiles
        case .failed, .claimedElsewhere: return nil
        }
    }

    /// The reason of a failed slide.
    public var failure: String? {
        if case let .failed(reason) = self { return reason }
        return nil
    }

    /// `<id>\t<verb>\t<tiles>`, `<id>\talready done\t<tiles>`, `<id>\tfailed\t<reason>` or
    /// `<id>\tclaimed by another worker`: the line a batch command prints per slide; `verb` is the
    /// stage's past tense ("tiled").
    public func line(slideID: String, verb: String) -> String {
        switch self {
        case let .processed(tiles): return "\(slideID)\t\(verb)\t\(tiles)"
        case let .alreadyDone(tiles): return "\(slideID)\talready done\t\(tiles)"
        case let .failed(reason): return "\(slideID)\tfailed\t\(reason)"
        case .claimedElsewhere: return "\(slideID)\tclaimed by another worker"
        }
    }
}
