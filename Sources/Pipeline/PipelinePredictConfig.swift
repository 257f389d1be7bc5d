import TrainStage

/// The `predict` section of a pipeline config: which slides are held out of training and which
/// trained model predicts them.
public struct PipelinePredictConfig: Codable, Equatable, Sendable {
    /// Share of each class held out of training and predicted at the end, drawn with `seed`
    /// (default 0.25; at least one slide of each class stays in training). Ignored when the
    /// labels have a `split` column: its `test` rows are the held-out slides. 0 = none held out
    /// (no prediction or heatmap stage).
    public var heldOutFraction = 0.25
    /// Seed of the held-out draw (default 0).
    public var seed: UInt64 = 0
    /// The model that predicts: `all` (default; the mean of every fold's model), `best` (the fold
    /// with the highest cross-validation AUC) or a fold number.
    public var fold = SlideModelSelection.all

    /// A quarter of the slides held out, predicted by the mean of the fold models.
    public init() {}
}
