import NN
import Tensor

/// Early stopping on validation loss, as `MILTrainer` runs it: remembers the weights of the
/// epoch with the lowest validation loss, counts epochs without improvement, and restores the
/// best weights at the end.
public struct EarlyStopping {
    /// Epochs without improvement before stopping; 0 never stops early.
    let patience: Int
    /// Never stop before this epoch (CLAM's `stop_epoch`).
    let minimumEpochs: Int
    private var best: (loss: Float, weights: [Tensor])?
    private var epochsWithoutImprovement = 0

    public init(patience: Int, minimumEpochs: Int = 0) {
        self.patience = patience
        self.minimumEpochs = minimumEpochs
    }

    /// Records one epoch's validation loss, keeping the parameters' values when it is the best.
    public mutating func record(validationLoss: Float, parameters: [Parameter]) {
        if best == nil || validationLoss < best!.loss {
            best = (validationLoss, parameters.map(\.value))
            epochsWithoutImprovement = 0
        } else {
            epochsWithoutImprovement += 1
        }
    }

    /// Whether training should stop after `epoch` (1-based).
    public func shouldStop(after epoch: Int) -> Bool {
        patience > 0 && epochsWithoutImprovement >= patience && epoch >= minimumEpochs
    }

    /// Puts the best recorded weights back into `parameters` (nothing when none was recorded).
    public func restoreBest(into parameters: [Parameter]) {
        guard let best else { return }
        for (parameter, value) in zip(parameters, best.weights) { parameter.value = value }
    }
}

extension MILTrainingOptions {
    /// The optimizer these options name, over `parameters`.
    public func makeOptimizer(for parameters: [Parameter]) -> any Optimizer {
        switch optimizer {
        case .sgd:
            return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adam:
            return Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        }
    }
}
