import MIL

/// Threshold-free measures of a C-class scorer that outputs one probability (or score) per class.
public enum MulticlassMetrics {
    /// One-vs-rest ROC AUC of every class: the AUC of `scores[i][c]` for "class c" against
    /// "any other class". `nil` for a class absent from `labels` or present in every sample.
    ///
    /// - Parameters: `scores`: one row of C scores per sample; `labels`: class indices 0..<C.
    /// - Complexity: O(C·n log n).
    public static func perClassAUC(scores: [[Double]], labels: [Int], classCount: Int) -> [Double?] {
        precondition(scores.count == labels.count, "\(scores.count) score rows for \(labels.count) labels")
        precondition(scores.allSatisfy { $0.count == classCount }, "every score row needs \(classCount) entries")
        return (0..<classCount).map { c in
            BinaryMetrics.rocAUC(scores: scores.map { $0[c] }, labels: labels.map { $0 == c })
        }
    }

    /// Macro one-vs-rest AUC: the unweighted mean of `perClassAUC` over the classes where it is
    /// defined. With every class present this equals scikit-learn's
    /// `roc_auc_score(y, scores, multi_class="ovr", average="macro")` (which refuses a missing
    /// class; here it is skipped so a small fold still gets a value). `nil` when no class has one.
    public static func macroAUC(scores: [[Double]], labels: [Int], classCount: Int) -> Double? {
        let defined = perClassAUC(scores: scores, labels: labels, classCount: classCount).compactMap { $0 }
        return defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
    }

    /// The index of the largest score of each row (the first one on ties), i.e. the predicted class.
    public static func predictedClasses(scores: [[Double]]) -> [Int] {
        scores.map { row in
            var best = 0
            for c in row.indices where row[c] > row[best] { best = c }
            return best
        }
    }
}
