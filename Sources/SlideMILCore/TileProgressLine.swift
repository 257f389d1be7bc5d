import Foundation

/// A one-line batch progress display on stderr (slides done, tiles, tiles/s, ETA), redrawn at
/// most five times a second, silent when stderr is not a terminal.
public final class TileProgressLine {
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast

    /// Draws only when stderr is a TTY unless `enabled` says otherwise.
    public init(enabled: Bool? = nil) {
        self.enabled = enabled ?? (isatty(STDERR_FILENO) == 1)
    }

    /// Shows the batch state; `current` is the slide being worked on.
    public func update(slidesDone: Int, slidesTotal: Int, tiles: Int, current: String, force: Bool = false) {
        guard enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 1e-3)
        let eta = slidesDone > 0 ? elapsed / Double(slidesDone) * Double(slidesTotal - slidesDone) : 0
        let line = String(format: "\rslides %d/%d, %d tiles, %.0f tiles/s, ETA %@  %@\u{1B}[K", slidesDone, slidesTotal, tiles,
                          Double(tiles) / elapsed, SynthProgressLine.duration(eta), current)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the line.
    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
