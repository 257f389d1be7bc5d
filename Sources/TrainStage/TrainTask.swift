import MILTasks

/// What `slidemil train` learns from the labels.
public enum TrainTask: String, Codable, CaseIterable, Sendable {
    /// Class labels: binary with two classes (the attention-MIL model), multi-class (softmax over
    /// C logits) with three or more, chosen by the number of classes in the labels.
    case classification
    /// Right-censored follow-up times with event flags: a risk score per bag.
    case survival
}

/// The bag head of multi-class, case-bag and survival runs.
public enum TaskHeadKind: String, Codable, CaseIterable, Sendable {
    /// `model.pooling` (attention by default) followed by a linear layer with one output per logit.
    case pooled
    /// CLAM-MB: one gated attention branch and one classifier per class (attention per class).
    case clamMB = "clam_mb"
    /// DSMIL: max-instance stream plus critical-instance attention (attention per class).
    case dsmil
    /// TransMIL: Nyström self-attention layers and the PPEG positional module.
    case transmil
}

/// The loss of a survival run.
public enum SurvivalLossChoice: String, Codable, CaseIterable, Sendable {
    /// Discrete-time negative log-likelihood over quantile bins of the event times (PORPOISE, MCAT).
    case nll
    /// Cox partial likelihood over the bags of each step (needs `training.batchSize` ≥ 2).
    case cox
}

/// Settings of `task: survival`.
public struct SurvivalSettings: Codable, Equatable, Sendable {
    /// Loss: `nll` (default) or `cox`.
    public var loss: SurvivalLossChoice
    /// Number of time bins K of the NLL, cut at quantiles of the training event times (default 4, as PORPOISE).
    public var bins: Int
    /// Extra weight α of uncensored bags in the NLL, 0...1 (default 0: plain likelihood).
    public var alpha: Float

    public init(loss: SurvivalLossChoice = .nll, bins: Int = 4, alpha: Float = 0) {
        self.loss = loss
        self.bins = bins
        self.alpha = alpha
    }
}
