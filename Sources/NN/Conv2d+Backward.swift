import Tensor

extension Conv2d {
    /// Adds dLoss/dWeight (and dLoss/dBias) of the last training-mode forward to the parameter
    /// gradients and returns dLoss/dInput.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let plan = trainingPlan else {
            preconditionFailure("Conv2d.backward called without a training-mode forward")
        }
        let g = plan.geometry
        precondition(outputGradient.shape == [g.batch, outputChannels, g.outputHeight, g.outputWidth],
                     "Conv2d.backward: gradient shape \(outputGradient.shape) does not match the last output")
        var inputGradient = Tensor(shape: [g.batch, g.channels, g.height, g.width])
        outputGradient.withUnsafeBufferPointer { dy in
            weight.value.withUnsafeBufferPointer { w in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        if let bias {
                            bias.gradient.withUnsafeMutableBufferPointer { db in
                                plan.backward(outputGradient: dy.baseAddress!, weight: w.baseAddress!, weightGradient: dw.baseAddress!,
                                              biasGradient: db.baseAddress!, inputGradient: dx.baseAddress!)
                            }
                        } else {
                            plan.backward(outputGradient: dy.baseAddress!, weight: w.baseAddress!, weightGradient: dw.baseAddress!,
                                          biasGradient: nil, inputGradient: dx.baseAddress!)
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
