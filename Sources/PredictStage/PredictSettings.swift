import RunSupport
import TrainStage

extension SlideModelSelection: SettingValue {
    public init?(commandLineText: String) { self.init(argument: commandLineText) }
    public var commandLineText: String { argument }
    public var rangeValues: [Double] { [] }
}

/// The pipeline config's `predict` section: which slides are held out of training and which
/// trained model predicts them (`slidemil predict --fold`).
public struct PredictSettings: StageSettings, Sendable {
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

    public static let section = "predict"

    /// Every setting of the `predict` section, with its range.
    public static var keys: [SettingKey<PredictSettings>] {
        [
            SettingKey("heldOutFraction", \.heldOutFraction, "Share of each class held out of training and predicted (0 = none).",
                       range: .fraction, place: .configOnly),
            SettingKey("seed", \.seed, "Seed of the held-out draw.", place: .configOnly),
            SettingKey("fold", "Fold of a run folder: a number, best (highest cross-validation AUC) or all (average of every fold).",
                       alwaysPrinted: true, get: { $0.fold }, set: { $0.fold = $1 }),
        ]
    }

    /// - Throws: `SettingRangeError` naming the first setting out of range.
    public func validate() throws { try checkRanges() }
}
