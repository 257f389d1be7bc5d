import Tensor
import XCTest

final class TensorKernelTests: XCTestCase {
    func testMatmulAgainstNaiveProductWithTransposes() {
        var generator = SeededGenerator(seed: 1)
        let a = Tensor.normal([5, 7], generator: &generator)
        let b = Tensor.normal([7, 3], generator: &generator)
        let product = a.matmul(b)
        for i in 0..<5 { for j in 0..<3 {
            var expected = 0.0
            for k in 0..<7 { expected += Double(a[i, k]) * Double(b[k, j]) }
            XCTAssertEqual(Double(product[i, j]), expected, accuracy: 1e-5)
        } }
        XCTAssertLessThan(a.transposed().matmul(b, transposeSelf: true).maxAbsoluteDifference(to: product), 1e-6)
        XCTAssertLessThan(a.matmul(b.transposed(), transposeOther: true).maxAbsoluteDifference(to: product), 1e-6)
    }

    /// fold is the adjoint of unfold: <unfold(x), y> = <x, fold(y)> for random x, y.
    func testFoldIsTheAdjointOfUnfold() {
        var generator = SeededGenerator(seed: 2)
        for (kernel, stride, padding) in [(3, 1, 1), (3, 2, 1), (2, 2, 0), (5, 3, 2)] {
            let g = ConvolutionGeometry(batch: 2, channels: 3, height: 7, width: 6, kernel: kernel, stride: stride, padding: padding)
            let x = Tensor.normal([2, 3, 7, 6], generator: &generator)
            let y = Tensor.normal([g.patchSize, g.batch * g.outputPlane], generator: &generator)
            var unfolded = Tensor(shape: y.shape)
            var folded = Tensor(shape: x.shape)
            x.withUnsafeBufferPointer { source in
                unfolded.withUnsafeMutableBufferPointer { Im2Col.unfold(source.baseAddress!, geometry: g, into: $0.baseAddress!) }
            }
            y.withUnsafeBufferPointer { source in
                folded.withUnsafeMutableBufferPointer { Im2Col.fold(source.baseAddress!, geometry: g, into: $0.baseAddress!) }
            }
            XCTAssertEqual((unfolded * y).sum(), (x * folded).sum(), accuracy: 1e-3)
            // Spot value: row (c=1, ky=0, kx=0), column (n=1, oy=1, ox=1) reads x[1, 1, s − p, s − p].
            let column = g.outputPlane + g.outputWidth + 1
            let iy = stride - padding, ix = stride - padding
            XCTAssertEqual(unfolded[kernel * kernel, column], (iy >= 0 && ix >= 0) ? x[1, 1, iy, ix] : 0)
        }
    }

    func testChannelLayoutRoundTrip() {
        var generator = SeededGenerator(seed: 3)
        let x = Tensor.normal([3, 4, 5], generator: &generator)
        var channelMajor = Tensor(shape: [4, 15])
        var back = Tensor(shape: x.shape)
        x.withUnsafeBufferPointer { s in
            channelMajor.withUnsafeMutableBufferPointer { ChannelLayout.channelMajor(fromNCHW: s.baseAddress!, batch: 3, channels: 4, plane: 5, into: $0.baseAddress!) }
        }
        XCTAssertEqual(channelMajor[2, 5 + 3], x[1, 2, 3])
        channelMajor.withUnsafeBufferPointer { s in
            back.withUnsafeMutableBufferPointer { ChannelLayout.nchw(fromChannelMajor: s.baseAddress!, batch: 3, channels: 4, plane: 5, into: $0.baseAddress!) }
        }
        XCTAssertEqual(back, x)
    }

    func testReductionsAndElementwise() {
        let t = Tensor(shape: [2, 3], storage: [1, -2, 3, 4, 5, -6])
        XCTAssertEqual(t.sum(), 5)
        XCTAssertEqual(t.mean(), 5.0 / 6.0, accuracy: 1e-7)
        XCTAssertEqual(t.max(), 5)
        XCTAssertEqual(t.argmax(), 4)
        XCTAssertEqual(t.sum(alongAxis: 0).storage, [5, 3, -3])
        XCTAssertEqual(t.sum(alongAxis: 1).storage, [2, 3])
        XCTAssertEqual((t + t).storage, t.storage.map { 2 * $0 })
        XCTAssertEqual((t * t - t).storage, t.storage.map { $0 * $0 - $0 })
        XCTAssertTrue(Tensor(shape: [0]).mean().isNaN)
        XCTAssertNil(Tensor(shape: [0]).argmax())
        var u = t
        u.add(t, scale: -1)
        XCTAssertEqual(u.storage, [Float](repeating: 0, count: 6))
    }

    func testParallelForCoversEveryIndexOnce() {
        for count in [0, 1, 2, 7, 1000] {
            let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
            hits.initialize(repeating: 0, count: max(count, 1))
            ParallelFor.run(count) { range in for i in range { hits[i] += 1 } }
            XCTAssertTrue((0..<count).allSatisfy { hits[$0] == 1 })
            hits.deallocate()
        }
    }
}
