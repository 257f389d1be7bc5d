/// Counts of a C-class classifier's decisions: `counts[actual][predicted]`.
///
/// Rows are the true classes and columns the predicted ones, as scikit-learn's
/// `confusion_matrix(y_true, y_pred)`. Classes are indices 0..<C.
public struct MulticlassConfusionMatrix: Equatable, Sendable, Codable {
    /// `counts[a][p]`: how many samples of true class `a` were predicted as `p`; C×C.
    public private(set) var counts: [[Int]]

    /// Number of classes C.
    public var classCount: Int { counts.count }

    /// An all-zero C×C matrix.
    public init(classCount: Int) {
        precondition(classCount >= 2, "a confusion matrix needs at least two classes, got \(classCount)")
        counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    /// Tallies `predicted` against `actual`, element by element.
    /// - Precondition: equal lengths; every class index in 0..<classCount.
    public init(predicted: [Int], actual: [Int], classCount: Int) {
        precondition(predicted.count == actual.count, "\(predicted.count) predictions for \(actual.count) labels")
        self.init(classCount: classCount)
        for (guess, truth) in zip(predicted, actual) {
            precondition((0..<classCount).contains(guess) && (0..<classCount).contains(truth),
                         "class index out of range 0..<\(classCount): predicted \(guess), actual \(truth)")
            counts[truth][guess] += 1
        }
    }

    /// Number of samples tallied.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Number of samples whose true class is `c` (row sum).
    public func support(of c: Int) -> Int { counts[c].reduce(0, +) }

    /// Fraction of correct decisions (trace / total); `nil` when there are none.
    public var accuracy: Double? {
        let n = total
        guard n > 0 else { return nil }
        return Double((0..<classCount).reduce(0) { $0 + counts[$1][$1] }) / Double(n)
    }

    /// Recall (sensitivity) of class `c`: correct / support; `nil` when the class has no sample.
    public func recall(of c: Int) -> Double? {
        let n = support(of: c)
        return n == 0 ? nil : Double(counts[c][c]) / Double(n)
    }

    /// Mean recall over the classes that occur in the truth, as scikit-learn's
    /// `balanced_accuracy_score` (which also skips absent classes, with a warning);
    /// `nil` when no sample was tallied.
    public var balancedAccuracy: Double? {
        let recalls = (0..<classCount).compactMap { recall(of: $0) }
        return recalls.isEmpty ? nil : recalls.reduce(0, +) / Double(recalls.count)
    }
}
