import Foundation
import Raster
import SlideIO

/// Reads a slide's tiles on background threads and hands them out in batches, in the order of
/// `coordinates`.
///
/// `readers` threads each claim a whole batch, read its tiles and park it in a reorder buffer;
/// `next()` hands batches out strictly in index order. A reader may claim batch `b` only while
/// `b < delivered + queueDepth`, so at most `queueDepth` batches are being read or waiting at
/// any time (plus the one the caller holds): memory is bounded by `queueDepth × batchSize`
/// tiles, whatever the slide's size, and fast readers wait for a slow consumer (backpressure).
///
/// Thread safety: `next()` and `cancel()` may be called from any thread; the slide must
/// support concurrent `readRegion` calls, as the `Slide` protocol requires.
public final class TileStream: @unchecked Sendable {
    /// Number of batches the stream delivers when nothing fails (`ceil(coordinates / batchSize)`).
    public let batchCount: Int
    private let state: State

    /// Starts reading. `batchSize` tiles per batch (last one shorter), `readers` threads
    /// (default 2), at most `queueDepth` batches in flight (default 4), `policy` for unreadable
    /// tiles (default stop), `resampling` for tiles read at a finer level (default exact).
    /// `transform`, when given, runs on each tile in the reader threads (e.g. stain normalisation).
    /// - Precondition: `batchSize`, `readers` and `queueDepth` are positive.
    public init(slide: Slide, geometry: TileGeometry, coordinates: [Level0Point], batchSize: Int = 64,
                readers: Int = 2, queueDepth: Int = 4, policy: TileReadPolicy = .stop, resampling: TileResampling = .exact,
                transform: (@Sendable (RGBImage) -> RGBImage)? = nil) {
        precondition(batchSize > 0 && readers > 0 && queueDepth > 0, "batch size, readers and queue depth must be positive")
        batchCount = (coordinates.count + batchSize - 1) / batchSize
        state = State(batchCount: batchCount, queueDepth: queueDepth)
        let state = self.state
        for _ in 0..<min(readers, max(batchCount, 1)) {
            let thread = Thread {
                while let batch = state.claim() {
                    let range = batch * batchSize..<min((batch + 1) * batchSize, coordinates.count)
                    state.finish(batch, Self.read(slide: slide, geometry: geometry, coordinates: coordinates[range],
                                                  index: batch, policy: policy, resampling: resampling, transform: transform, state: state))
                }
                state.readerExited()
            }
            thread.name = "TileStream reader"
            state.readerStarted()
            thread.start()
        }
    }

    deinit { state.cancel() }

    /// The next batch in order; nil once every batch was delivered, after a failure was thrown,
    /// or after `cancel()`. Blocks while the batch is being read.
    /// - Throws: `TilingError.tileRead` (slide, x, y) under `TileReadPolicy.stop`.
    public func next() throws -> TileBatch? {
        try state.take()?.get()
    }

    /// Stops the readers (each finishes at most its current tile) and makes `next()` return nil.
    public func cancel() { state.cancel() }

    /// Blocks until every reader thread has exited (after the last batch, a failure or `cancel()`).
    public func waitForReaders() { state.waitForReaders() }

    /// The most batches that were claimed by readers but not yet delivered at any one time:
    /// never above `queueDepth`.
    public var maxBatchesInFlight: Int { state.maxInFlight }

    private static func read(slide: Slide, geometry: TileGeometry, coordinates: ArraySlice<Level0Point>, index: Int,
                             policy: TileReadPolicy, resampling: TileResampling, transform: ((RGBImage) -> RGBImage)?,
                             state: State) -> Result<TileBatch, Error> {
        var read: [Level0Point] = []
        var tiles: [RGBImage] = []
        var skipped: [SkippedTile] = []
        for coordinate in coordinates {
            if state.isCancelled { break }
            do {
                let tile = try geometry.readTile(from: slide, at: coordinate, resampling: resampling)
                tiles.append(transform?(tile) ?? tile)
                read.append(coordinate)
            } catch {
                guard policy == .skip else { return .failure(error) }
                skipped.append(SkippedTile(coordinate: coordinate, reason: "\(error)"))
            }
        }
        return .success(TileBatch(index: index, coordinates: read, tiles: tiles, skipped: skipped))
    }

    /// Claim, reorder and delivery bookkeeping, guarded by one condition variable.
    private final class State: @unchecked Sendable {
        private let condition = NSCondition()
        private let batchCount: Int
        private let queueDepth: Int
        private var nextToClaim = 0
        private var nextToDeliver = 0
        /// Batches after a failed one are neither read nor delivered.
        private var end: Int
        private var ready: [Int: Result<TileBatch, Error>] = [:]
        private var cancelled = false
        private var runningReaders = 0
        private var highWater = 0

        init(batchCount: Int, queueDepth: Int) {
            self.batchCount = batchCount
            self.queueDepth = queueDepth
            self.end = batchCount
        }

        var isCancelled: Bool { condition.withLock { cancelled } }
        var maxInFlight: Int { condition.withLock { highWater } }

        func claim() -> Int? {
            condition.withLock {
                while !cancelled && nextToClaim < end && nextToClaim - nextToDeliver >= queueDepth {
                    condition.wait()
                }
                guard !cancelled && nextToClaim < end else { return nil }
                let batch = nextToClaim
                nextToClaim += 1
                highWater = max(highWater, nextToClaim - nextToDeliver)
                return batch
            }
        }

        func finish(_ batch: Int, _ result: Result<TileBatch, Error>) {
            condition.withLock {
                guard !cancelled else { return }
                if case .failure = result { end = min(end, batch + 1) }
                ready[batch] = result
                condition.broadcast()
            }
        }

        func take() -> Result<TileBatch, Error>? {
            condition.withLock {
                while !cancelled && nextToDeliver < end && ready[nextToDeliver] == nil {
                    condition.wait()
                }
                guard !cancelled && nextToDeliver < end, let result = ready.removeValue(forKey: nextToDeliver) else { return nil }
                nextToDeliver += 1
                if case .failure = result { end = nextToDeliver }
                condition.broadcast()
                return result
            }
        }

        func cancel() {
            condition.withLock {
                cancelled = true
                ready.removeAll()
                condition.broadcast()
            }
        }

        func readerStarted() { condition.withLock { runningReaders += 1 } }

        func readerExited() {
            condition.withLock {
                runningReaders -= 1
                condition.broadcast()
            }
        }

        func waitForReaders() {
            condition.withLock {
                while runningReaders > 0 { condition.wait() }
            }
        }
    }
}
