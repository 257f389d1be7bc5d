import Foundation

/// A one-line progress display on stderr (tiles written, rate, ETA), redrawn at most a few times
/// a second, and silent when stderr is not a terminal (logs and pipes stay clean).
public final class SynthProgressLine {
    private let isTerminal: Bool
    private var start = Date()
    private var lastDraw = Date.distantPast
    private var label = ""

    /// A display that draws only when stderr is a TTY (override with `enabled`).
    public init(enabled: Bool? = nil) {
        isTerminal = enabled ?? (isatty(STDERR_FILENO) == 1)
    }

    /// Begins a new item (e.g. the slide being written).
    public func begin(_ label: String) {
        self.label = label
        start = Date()
        lastDraw = .distantPast
    }

    /// Shows `done` of `total` tiles; the line is redrawn at most every 0.2 s and at the end.
    public func update(done: Int, total: Int) {
        guard isTerminal else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let line = String(format: "\r%@: %d/%d tiles (%.0f%%), %.0f tiles/s, ETA %@   ", label, done, total,
                          100 * Double(done) / Double(max(1, total)), rate, Self.duration(remaining))
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `seconds` as "1h02m", "3m05s" or "12s".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60) }
        if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return "\(total)s"
    }
}
