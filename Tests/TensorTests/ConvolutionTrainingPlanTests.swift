import Tensor
import XCTest

/// `ConvolutionTrainingPlan`'s thread team: oneDNN fixes a kernel's work split when the primitive
/// is created, so the plan must build its kernels for the team it runs them on, whatever the
/// calling thread's OpenMP setting was left at by earlier work (a batch-split inference leaves it
/// at 1 on the thread that trains next).
final class ConvolutionTrainingPlanTests: XCTestCase {
    func testKernelsAreBuiltForTheWholeTeamWhateverTheCallersSetting() {
        let saved = DNNL.threadsForCallingThread
        defer { DNNL.threadsForCallingThread = saved }
        DNNL.threadsForCallingThread = 1
        // 4·16·16·16·16·9 ≈ 2.4 M multiply-accumulates: above `parallelWork`.
        let large = ConvolutionTrainingPlan(geometry: ConvolutionGeometry(batch: 4, channels: 16, height: 16, width: 16,
                                                                          kernel: 3, stride: 1, padding: 1),
                                            outputChannels: 16, hasBias: false)
        XCTAssertEqual(large.threads, ParallelFor.workerCount)
        XCTAssertEqual(DNNL.threadsForCallingThread, 1, "the caller's setting is restored")
        DNNL.threadsForCallingThread = max(2, ParallelFor.workerCount)
        let small = ConvolutionTrainingPlan(geometry: ConvolutionGeometry(batch: 1, channels: 2, height: 5, width: 5,
                                                                          kernel: 3, stride: 1, padding: 1),
                                            outputChannels: 3, hasBias: true)
        XCTAssertEqual(small.threads, 1)
        XCTAssertEqual(DNNL.threadsForCallingThread, max(2, ParallelFor.workerCount))
    }
}
