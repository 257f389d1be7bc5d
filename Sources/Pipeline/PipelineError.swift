/// Problems that stop `slidemil pipeline` or `slidemil demo` between stages.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    /// A config value no stage can use; `key` is its dotted path, e.g. `tile.targetMpp`.
    case invalidSetting(key: String, problem: String)
    /// A labelled slide has no slide file among the inputs.
    case unlabelledOrMissing(labels: String, slideID: String, slides: String)
    /// The labels leave too few slides of a class to both train and hold out.
    case tooFewSlides(labels: String, problem: String)
    /// A stage failed for some slides; later stages would miss them, so the run stops.
    case stageFailed(stage: String, failures: [String: String], processList: String)
    /// A stage after prediction was asked for before the run predicted its held-out slides.
    case notPredicted(output: String, missing: String)

    /// One line naming the setting, file or slide and the problem.
    public var description: String {
        switch self {
        case let .invalidSetting(key, problem):
            return "config key '\(key)': \(problem)"
        case let .unlabelledOrMissing(labels, slideID, slides):
            return "\(labels): slide '\(slideID)' has no slide file in \(slides)"
        case let .tooFewSlides(labels, problem):
            return "\(labels): \(problem)"
        case let .stageFailed(stage, failures, processList):
            let first = failures.keys.sorted().first.map { "\($0): \(failures[$0]!)" } ?? ""
            return "\(stage) failed for \(failures.count) slide(s), first \(first); see \(processList)"
        case let .notPredicted(output, missing):
            return "\(output): no held-out predictions yet (\(missing) is missing); run training and prediction first"
        }
    }
}
