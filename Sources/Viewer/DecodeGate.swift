import Foundation

/// Bounds how many slide reads run at once and how many wait for a turn: a browser that asks
/// for hundreds of tiles during a fast zoom gets them decoded a few at a time, and requests past
/// the queue's bound are refused (HTTP 503) rather than piling up memory.
final class DecodeGate: @unchecked Sendable {
    private let running: DispatchSemaphore
    private let lock = NSLock()
    private var waiting = 0
    private let maximumWaiting: Int

    /// At most `concurrentDecodes` reads at once and `maximumWaiting` waiting.
    init(concurrentDecodes: Int, maximumWaiting: Int) {
        running = DispatchSemaphore(value: max(1, concurrentDecodes))
        self.maximumWaiting = maximumWaiting
    }

    /// Runs `work` when a decode slot is free; `nil` without running it when too many wait.
    func run<T>(_ work: () throws -> T) rethrows -> T? {
        let admitted: Bool = lock.withLock {
            guard waiting < maximumWaiting else { return false }
            waiting += 1
            return true
        }
        guard admitted else { return nil }
        running.wait()
        lock.withLock { waiting -= 1 }
        defer { running.signal() }
        return try work()
    }
}
