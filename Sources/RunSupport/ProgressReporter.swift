import Foundation

/// Progress of long work on a terminal: items done, rate and time left, redrawn in place on
/// standard error at most a few times a second. Silent when standard error is not a terminal
/// (logs, CI), so only results and errors reach those.
///
/// The ETA comes from the fraction of the work done: `completed / total` when the total is known
/// in the counted unit, or a fraction the caller passes (e.g. slides done while counting tiles).
public final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let unit: String
    private let total: Int?
    private let enabled: Bool
    private var start = Date()
    private var lastDraw = Date.distantPast
    private var completed = 0
    private var fractionDone: Double?
    private var detail = ""
    private let lock = NSLock()

    /// - Parameters:
    ///   - label: what is being done, e.g. "tiling".
    ///   - unit: the items counted, e.g. "tiles".
    ///   - total: items expected, when known (enables the ETA).
    ///   - enabled: defaults to whether standard error is a terminal.
    public init(label: String, unit: String, total: Int? = nil, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.unit = unit
        self.total = total
        self.enabled = enabled
    }

    /// Adds `count` finished items, with an optional note (e.g. the current slide). Thread-safe.
    public func advance(by count: Int = 1, detail: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        record(completed: completed + count, fractionDone: fractionDone, detail: detail)
    }

    /// Sets the number of finished items and, when the total in items is unknown, the fraction of
    /// the whole work done (0...1) that the ETA is computed from. Thread-safe.
    public func update(completed: Int, fractionDone: Double? = nil, detail: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        record(completed: completed, fractionDone: fractionDone, detail: detail)
    }

    /// Starts timing afresh, e.g. for the next slide of a batch with its own reporter label.
    public func restart() {
        lock.lock()
        defer { lock.unlock() }
        start = Date()
        lastDraw = .distantPast
        completed = 0
        fractionDone = nil
    }

    /// Draws the last state and ends the line.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard enabled else { return }
        draw(now: Date(), final: true)
    }

    /// The status text for `completed` items after `elapsed` seconds (exposed for tests).
    public static func status(
        label: String, unit: String, completed: Int, total: Int?, fractionDone: Double? = nil,
        elapsed: TimeInterval, detail: String
    ) -> String {
        let rate = elapsed > 0 ? Double(completed) / elapsed : 0
        var text = "\(label): \(completed)"
        if let total { text += "/\(total)" }
        text += " \(unit), \(String(format: "%.1f", rate)) \(unit)/s"
        let fraction = fractionDone ?? total.map { Double(completed) / Double(max($0, 1)) }
        if let fraction, fraction > 0, fraction < 1 {
            text += ", ETA \(formatDuration(elapsed * (1 - fraction) / fraction))"
        } else {
            text += ", \(formatDuration(elapsed))"
        }
        if !detail.isEmpty { text += " | \(detail)" }
        return text
    }

    /// "42s", "3m05s", "2h07m".
    public static func formatDuration(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, (whole % 3600) / 60)
    }

    private func record(completed: Int, fractionDone: Double?, detail: String?) {
        self.completed = completed
        self.fractionDone = fractionDone
        if let detail { self.detail = detail }
        let now = Date()
        guard enabled, now.timeIntervalSince(lastDraw) >= 0.25 else { return }
        lastDraw = now
        draw(now: now, final: false)
    }

    private func draw(now: Date, final: Bool) {
        let text = Self.status(
            label: label, unit: unit, completed: completed, total: total, fractionDone: fractionDone,
            elapsed: now.timeIntervalSince(start), detail: detail
        )
        // \r returns to the line start, ESC[K clears what a longer previous line left.
        FileHandle.standardError.write(Data("\r\(text)\u{1B}[K\(final ? "\n" : "")".utf8))
    }
}
