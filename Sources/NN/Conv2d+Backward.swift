import Tensor

extension Conv2d {
    /// Adds dLoss/dWeight (and dLoss/dBias) of the last training-mode forward to the parameter
    /// gradients and returns dLoss/dInput.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, computingInputGradient: true)!
    }

    /// As `backward`, but only accumulates the parameter gradients and computes no dLoss/dInput:
    /// for a first layer whose input is data (its backward-data convolution is skipped).
    public func backwardParameters(_ outputGradient: Tensor) {
        _ = backward(outputGradient, computingInputGradient: false)
    }

    private func backward(_ outputGradient: Tensor, computingInputGradient: Bool) -> Tensor? {
        guard let plan = trainingPlan else {
            preconditionFailure("Conv2d.backward called without a training-mode forward")
        }
        let g = plan.geometry
        precondition(outputGradient.shape == [g.batch, outputChannels, g.outputHeight, g.outputWidth],
                     "Conv2d.backward: gradient shape \(outputGradient.shape) does not match the last output")
        // Backward-data writes every element.
        var inputGradient = Tensor.uninitialized(computingInputGradient ? [g.batch, g.channels, g.height, g.width] : [0])
        outputGradient.withUnsafeBufferPointer { dy in
            weight.value.withUnsafeBufferPointer { w in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        if let bias {
                            bias.gradient.withUnsafeMutableBufferPointer { db in
                                plan.backward(outputGradient: dy.baseAddress!, weight: w.baseAddress!, weightGradient: dw.baseAddress!,
                                              biasGradient: db.baseAddress!, inputGradient: computingInputGradient ? dx.baseAddress! : nil)
                            }
                        } else {
                            plan.backward(outputGradient: dy.baseAddress!, weight: w.baseAddress!, weightGradient: dw.baseAddress!,
                                          biasGradient: nil, inputGradient: computingInputGradient ? dx.baseAddress! : nil)
                        }
                    }
                }
            }
        }
        return computingInputGradient ? inputGradient : nil
    }
}
