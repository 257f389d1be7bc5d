import Foundation
import RunSupport
import TrainStage

/// What a pipeline run did and where it put everything.
public struct PipelineReport: Sendable {
    /// A held-out slide's prediction next to its true label.
    public struct HeldOutPrediction: Equatable, Sendable {
        /// The slide's identifier.
        public var slideID: String
        /// The class name in the labels file.
        public var label: String
        /// P(positive class); with more than two classes, P(predicted class).
        public var probability: Float
        /// Class name at threshold 0.5, or the most probable class.
        public var predictedLabel: String
    }

    /// Where the files are.
    public var layout: RunLayout
    /// Slides trained on (cross-validated), in labels-file order.
    public var trainingSlides: [String]
    /// Slides held out and predicted, in labels-file order.
    public var heldOutSlides: [String]
    /// Tiles over all slides.
    public var tiles: Int
    /// Feature width D.
    public var featureWidth: Int
    /// Cross-validation results of `slidemil train` with two classes.
    public var crossValidation: SlideTrainSummary?
    /// Cross-validation results with three or more classes (macro AUC, per-class AUC, confusion matrix).
    public var multiclassCrossValidation: TaskTrainSummary?
    /// The folds whose models predicted the held-out slides, averaged when more than one (empty
    /// when none were held out).
    public var predictingFolds: [Int]
    /// Held-out predictions in labels-file order.
    public var predictions: [HeldOutPrediction]
    /// ROC AUC (macro one-vs-rest AUC with more than two classes) on the held-out slides; nil
    /// with fewer than one slide of each class.
    public var heldOutAUC: Double?
    /// Share of held-out slides predicted right (at 0.5, or the most probable class); nil without held-out slides.
    public var heldOutAccuracy: Double?
    /// The heatmap PNGs written.
    public var heatmaps: [URL]
    /// Slides that failed in a stage and were left out of the later ones (empty when all went
    /// through); the run's exit status is non-zero when there are any.
    public var failures: [SlideFailure] = []
    /// The plain commands equivalent to the run, in stage order (also in `layout.commands`).
    public var commands: [PipelineCommandLine]
}
