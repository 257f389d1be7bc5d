import Foundation

/// Bounds how many slide reads run at once: a browser that asks for dozens of tiles during a
/// fast zoom gets them decoded a few at a time, so memory holds a few regions, not dozens.
final class DecodeGate: @unchecked Sendable {
    private let running: DispatchSemaphore

    /// At most `concurrentDecodes` reads at once.
    init(concurrentDecodes: Int) {
        running = DispatchSemaphore(value: max(1, concurrentDecodes))
    }

    /// Runs `work` when a decode slot is free.
    func run<T>(_ work: () throws -> T) rethrows -> T {
        running.wait()
        defer { running.signal() }
        return try work()
    }
}
