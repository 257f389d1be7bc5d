import Foundation
import Store

/// Runs a `SlideStage` over a batch of slides in one output folder, owning what every per-slide
/// stage shares:
/// - the slide list, checked once: ids are safe file names (`SlideID`) and distinct;
/// - an exclusive lock on the output folder for the run (`OutputFolderLock`), which also clears
///   temporary files left by killed runs;
/// - the process list (`slide_id,status,tiles,seconds,error`), one row per slide, merged and
///   rewritten atomically after each slide (`SharedProcessList`);
/// - resume: a slide is skipped when its row says processed and the stage finds its outputs
///   complete and made with the same settings (the stage compares its config fingerprint);
/// - the per-slide outcome, and going on past a slide that fails (its row says why);
/// - progress: tiles done, rate and time left.
///
/// With `sharedFolder` the runner is one of several workers sharing the folder (a cluster array
/// task given its shard's slides, `SlideShard.select`): it holds the folder lock shared and,
/// between the resume check and `process`, claims each slide (`SlideClaim`). A slide claimed by
/// another worker is left to it (`SlideOutcome.claimedElsewhere`); a slide whose outputs turn
/// out complete once claimed was finished by another worker a moment ago and is not redone.
public struct SlideBatchRunner {
    /// The slides in run order, ids checked.
    public let slides: [SlideEntry]
    /// Run as one of several workers on the folder (claims per slide) rather than alone.
    public var sharedFolder: Bool
    /// The output folder.
    public let output: URL
    /// Draw the progress line on standard error.
    public var showProgress: Bool

    /// A runner for `slides` writing under `output`.
    /// - Throws: `SlideListError.duplicateSlideID` when two slides share an id, `.badSlideID`
    ///   for an id that cannot be a file name.
    public init(slides: [SlideEntry], output: URL, sharedFolder: Bool = false, showProgress: Bool = isatty(STDERR_FILENO) == 1) throws {
        var seen = Set<String>()
        for slide in slides {
            try SlideID.validate(slide.slideID, source: slide.path)
            guard seen.insert(slide.slideID).inserted else { throw SlideListError.duplicateSlideID(slide.slideID) }
        }
        self.slides = slides
        self.output = output
        self.sharedFolder = sharedFolder
        self.showProgress = showProgress
    }

    /// Runs `stage` over every slide; returns the outcomes in slide order. `onOutcome`
    /// hears each slide's outcome as soon as it is known (a command prints it at once, so a
    /// killed run's log lists the slides it finished).
    /// - Throws: `OutputFolderLockError` when another run holds the folder, or a `StoreError`
    ///   when the process list itself cannot be read or written (per-slide problems never throw).
    public func run(_ stage: some SlideStage, onOutcome: (SlideEntry, SlideOutcome) -> Void = { _, _ in }) throws -> [SlideOutcome] {
        let lock = try OutputFolderLock(folder: output, mode: sharedFolder ? .shared : .exclusive)
        defer { lock.release() }
        let batchIDs = slides.map(\.slideID)
        let journal = SharedProcessList(url: output.appendingPathComponent(stage.processListName))
        let list = try journal.snapshot()

        // What is done already, and how much is left (for the time estimate).
        var done: [Int?] = []
        var planned: [Int?] = []
        for slide in slides {
            let finished = list.record(for: slide.slideID)?.status == .processed ? stage.completedTiles(of: slide) : nil
            done.append(finished)
            planned.append(finished == nil ? stage.plannedTiles(of: slide) : 0)
        }
        let total = planned.contains { $0 == nil } ? nil : planned.reduce(0) { $0 + ($1 ?? 0) }
        let progress = ProgressReporter(label: stage.progressLabel, unit: "tiles", total: total, enabled: showProgress)

        var outcomes: [SlideOutcome] = []
        var tiles = 0
        for (index, (slide, finished)) in zip(slides, done).enumerated() {
            if let finished {
                outcomes.append(.alreadyDone(tiles: finished))
                onOutcome(slide, .alreadyDone(tiles: finished))
                continue
            }
            // Without a tile total the time estimate goes by slides done.
            let fraction = total == nil ? Double(index) / Double(slides.count) : nil
            progress.update(completed: tiles, fractionDone: fraction, detail: "slide \(index + 1)/\(slides.count) \(slide.slideID)")
            let start = Date()
            var record = ProcessRecord(slideID: slide.slideID)
            // A worker claims the slide first; once claimed, complete outputs mean another worker
            // finished it between the resume check above and now.
            var claim: SlideClaim?
            if sharedFolder {
                guard let taken = try SlideClaim.take(slideID: slide.slideID, stage: stage.processListName, output: output) else {
                    outcomes.append(.claimedElsewhere)
                    onOutcome(slide, .claimedElsewhere)
                    continue
                }
                claim = taken
                if let finished = stage.completedTiles(of: slide) {
                    record.status = .processed
                    record.tiles = finished
                    try journal.finish(record, startedAt: start, batch: batchIDs)
                    outcomes.append(.alreadyDone(tiles: finished))
                    onOutcome(slide, .alreadyDone(tiles: finished))
                    continue
                }
            }
            defer { claim?.release() }
            do {
                let result = try stage.process(slide) { soFar in
                    progress.update(completed: tiles + soFar, fractionDone: fraction)
                }
                tiles += result.tiles
                record.status = .processed
                record.tiles = result.tiles
                record.error = result.warnings.map { "warning: \($0)" }.joined(separator: "; ")
                outcomes.append(.processed(tiles: result.tiles))
            } catch {
                record.markFailed(error)
                outcomes.append(.failed("\(error)"))
            }
            try journal.finish(record, startedAt: start, batch: batchIDs)
            onOutcome(slide, outcomes[outcomes.count - 1])
        }
        progress.update(completed: tiles, fractionDone: total == nil ? 1 : nil, detail: "\(slides.count) slides")
        progress.finish()
        return outcomes
    }
}
