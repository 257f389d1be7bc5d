import CDNNL

/// A parallel loop over index ranges run on the OpenMP threads oneDNN's kernels run on.
///
/// Training alternates oneDNN convolutions with our own element-wise passes (batch norm, ReLU,
/// max pooling, SGD). After each oneDNN call its OpenMP partner thread spins for a while
/// (`OpenMPWaitPolicy`) waiting for the next parallel region; a loop handed to another pool
/// (`ParallelFor`, on Dispatch) has to wake a second thread while that spinner still holds the
/// other core, and the next convolution then finds its partner asleep. Run as an OpenMP parallel
/// region instead, the loop goes to the spinning thread at once and keeps it warm for the next
/// kernel. Called from inside another parallel region, libgomp gives a team of one and the
/// caller runs every chunk itself.
public enum OpenMPLoop {
    /// Calls `body(range)` for disjoint ranges covering `0..<count`, possibly concurrently.
    /// - Parameters:
    ///   - count: number of items; 0 does nothing.
    ///   - minimumPerChunk: smallest chunk worth a thread (default 1).
    ///   - workers: threads to use; `nil` means `ParallelFor.workerCount`.
    ///   - body: must be safe to call concurrently on disjoint ranges.
    public static func run(_ count: Int, workers: Int? = nil, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(workers ?? ParallelFor.workerCount, max(1, count / max(1, minimumPerChunk)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            var loop = Loop(count: count, chunks: chunks, body: body)
            withUnsafeMutablePointer(to: &loop) { pointer in
                GOMP_parallel(runMember, UnsafeMutableRawPointer(pointer), UInt32(chunks), 0)
            }
        }
    }
}

/// What each member of the team reads.
private struct Loop {
    let count: Int
    let chunks: Int
    let body: (Range<Int>) -> Void
}

/// One team member's share: chunks member, member + team size, … (all of them for a team of one).
private func runMember(_ context: UnsafeMutableRawPointer?) {
    let loop = context!.assumingMemoryBound(to: Loop.self)
    let team = Int(omp_get_num_threads()), member = Int(omp_get_thread_num())
    let count = loop.pointee.count, chunks = loop.pointee.chunks
    var chunk = member
    while chunk < chunks {
        let start = count * chunk / chunks, end = count * (chunk + 1) / chunks
        if start < end { loop.pointee.body(start..<end) }
        chunk += team
    }
}
