import Dispatch
import Foundation

/// A small parallel-for over index ranges on Dispatch, for work BLAS and oneDNN do not cover.
/// Loops that run between oneDNN kernels (the training layers) use `OpenMPLoop` instead, on the
/// threads those kernels use.
///
/// Work is split into at most `workerCount` contiguous chunks so each thread touches one block of
/// memory; below `minimumPerChunk` items the loop runs inline, because dispatch costs more than it saves.
public enum ParallelFor {
    /// Threads used by `run`; defaults to the cores the process may use (`CoreAllowance`). Set it
    /// once at start-up.
    nonisolated(unsafe) public static var workerCount = CoreAllowance.count

    /// Calls `body(range)` for disjoint ranges covering `0..<count`, possibly concurrently.
    /// - Parameters:
    ///   - count: number of items; 0 does nothing.
    ///   - minimumPerChunk: smallest chunk worth a thread (default 1).
    ///   - body: must be safe to call concurrently on disjoint ranges.
    ///   - workers: threads to use; `nil` means `workerCount`, 1 runs inline (for callers that are
    ///     themselves one of several parallel workers).
    public static func run(_ count: Int, workers: Int? = nil, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(workers ?? workerCount, max(1, count / max(1, minimumPerChunk)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            if start < end { body(start..<end) }
        }
    }
}
