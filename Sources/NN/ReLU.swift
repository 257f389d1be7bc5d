import Foundation
import Tensor

/// `max(0, x)`. Backward passes the gradient where the input was positive (0 at x = 0, as PyTorch).
/// Large tensors are split across threads (`OpenMPLoop`), in sixteen lanes.
public final class ReLU: Layer {
    private var cachedInput: Tensor?
    public init() {}
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        cachedInput = mode == .training ? input : nil
        var output = Tensor.uninitialized(input.shape)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                guard let x = x.baseAddress, let y = y.baseAddress else { return }
                OpenMPLoop.run(input.count, minimumPerChunk: Tensor.elementsPerThread) { range in
                    var i = range.lowerBound
                    while i + 16 <= range.upperBound {
                        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
                        UnsafeMutableRawPointer(y + i).storeBytes(of: SIMD16<Float>().replacing(with: v, where: v .> 0), as: SIMD16<Float>.self)
                        i += 16
                    }
                    while i < range.upperBound { y[i] = x[i] > 0 ? x[i] : 0; i += 1 }
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("ReLU.backward called without a training-mode forward") }
        precondition(outputGradient.shape == input.shape, "ReLU.backward: gradient shape \(outputGradient.shape) does not match \(input.shape)")
        var inputGradient = Tensor.uninitialized(input.shape)
        outputGradient.withUnsafeBufferPointer { dy in
            input.withUnsafeBufferPointer { x in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    guard let dy = dy.baseAddress, let x = x.baseAddress, let dx = dx.baseAddress else { return }
                    // Sixteen lanes with a select: a branch per element mispredicts on half of them.
                    OpenMPLoop.run(input.count, minimumPerChunk: Tensor.elementsPerThread) { range in
                        var i = range.lowerBound
                        while i + 16 <= range.upperBound {
                            let positive = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) .> 0
                            let gradient = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD16<Float>.self)
                            UnsafeMutableRawPointer(dx + i).storeBytes(of: SIMD16<Float>().replacing(with: gradient, where: positive),
                                                                       as: SIMD16<Float>.self)
                            i += 16
                        }
                        while i < range.upperBound { dx[i] = x[i] > 0 ? dy[i] : 0; i += 1 }
                    }
                }
            }
        }
        return inputGradient
    }
}
