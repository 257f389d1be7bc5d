import MIL

/// Problems with the inputs of `slidemil train` and `slidemil predict`; each names the slide or file.
public enum SlideTrainError: Error, CustomStringConvertible, Equatable {
    /// A labelled slide has no `<slide_id>.h5` in the features folder.
    case missingFeatures(slide: String, path: String)
    /// A slide's features are not as wide as the other slides' (or the model's input).
    case widthMismatch(slide: String, found: Int, expected: Int, reference: String)
    /// A slide's feature file holds no tile.
    case emptyBag(slide: String)
    /// A slide's features contain NaN or infinity.
    case nonFinite(slide: String, row: Int)
    /// A label is neither the positive class nor the single other class.
    case unknownLabel(slide: String, label: String, classes: [String])
    /// Binary training needs exactly two classes.
    case notBinary(classes: [String])
    /// Too few slides of a class for the requested folds or split.
    case tooFewSlides(problem: String)
    /// No feature file to predict on.
    case noFeatureFiles(folder: String)
    /// An instances CSV row is unusable.
    case malformedInstances(path: String, line: Int, problem: String)
    /// A model folder lacks its files or has an unreadable description.
    case badModel(path: String, problem: String)
    /// The training settings contradict each other.
    case invalidSettings(problem: String)
    /// The model's probability or attention for a slide is NaN or infinite.
    case nonFinitePrediction(slide: String, path: String)
    /// Training of `fold` produced a NaN or infinity; nothing was saved for that fold.
    case diverged(fold: Int, TrainingDivergedError)

    /// One line naming the slide or file and the problem.
    public var description: String {
        switch self {
        case let .missingFeatures(slide, path):
            return "slide '\(slide)': no feature file at \(path)"
        case let .widthMismatch(slide, found, expected, reference):
            return "slide '\(slide)': features are \(found) wide but \(reference) expects \(expected)"
        case let .emptyBag(slide):
            return "slide '\(slide)': the feature file holds no tile"
        case let .nonFinite(slide, row):
            return "slide '\(slide)': features contain NaN or infinity (tile row \(row))"
        case let .unknownLabel(slide, label, classes):
            return "slide '\(slide)': label '\(label)' is not one of the two classes \(classes)"
        case let .notBinary(classes):
            return "labels name \(classes.count) classes \(classes); training needs exactly two"
        case let .tooFewSlides(problem):
            return "too few slides: \(problem)"
        case let .invalidSettings(problem):
            return "invalid training settings: \(problem)"
        case let .noFeatureFiles(folder):
            return "\(folder): no .h5 feature file to predict on"
        case let .malformedInstances(path, line, problem):
            return "\(path):\(line): \(problem)"
        case let .badModel(path, problem):
            return "\(path): \(problem)"
        case let .nonFinitePrediction(slide, path):
            return "slide '\(slide)': the model's output for \(path) is NaN or infinite; nothing was written"
        case let .diverged(fold, error):
            return "fold \(fold): \(error); no model was saved (lower training.learningRate or check the features)"
        }
    }
}
