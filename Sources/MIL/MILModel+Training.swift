import NN
import Tensor

extension MILModel: MILNetwork {
    /// Fits the feature standardisation on the training bags.
    public func prepareForTraining(on bags: some BagCollection, indices: [Int]) throws {
        try fitStandardization(on: bags, indices: indices)
    }

    /// Forward, the loss of the logits as [G, 1], and backward; with an instance term, CLAM-SB's
    /// clustering loss of the instance classifiers (class 1 = positive bag) is added.
    /// - Precondition: an instance term needs instance classifiers.
    public func trainingPass(_ batch: BagBatch, loss: (Tensor) -> LossValue, instanceTerm: InstanceTerm?, share: GradientShare) -> Float {
        precondition(instanceTerm == nil || instanceClustering != nil, "instance loss needs a model with instance classifiers")
        let (logits, instanceWeights) = forward(batch, mode: .training)
        let bagLoss = loss(logits.reshaped([batch.bagCount, 1]))
        let taskShare = instanceTerm?.taskShare ?? 1
        var total = bagLoss.value * taskShare
        var instanceGradient: Tensor?
        if let instanceTerm {
            let clustering = instanceClusteringLoss(labels: instanceTerm.classes.map { $0 == 1 }, instanceWeights: instanceWeights,
                                                    k: instanceTerm.topK, gradientScale: share.scale(instanceTerm.weight))
            instanceGradient = clustering.pooledInputGradient
            total += clustering.value * instanceTerm.weight
        }
        backward(share.scale(bagLoss.gradient, by: taskShare).reshaped([batch.bagCount]), pooledInputGradient: instanceGradient)
        return total
    }

    /// The logits as [B, 1] and the pooling's weights as one branch [B, 1, Nmax].
    public func inferenceOutputs(_ batch: BagBatch) -> (logits: Tensor, instanceWeights: Tensor) {
        let (logits, weights) = forward(batch, mode: .inference)
        return (logits.reshaped([batch.bagCount, 1]), weights.reshaped([batch.bagCount, 1, batch.maxInstances]))
    }
}
