/// Counts of a binary classifier's decisions against the truth.
public struct ConfusionMatrix: Equatable, Sendable, Codable {
    public var truePositives = 0
    public var falsePositives = 0
    public var trueNegatives = 0
    public var falseNegatives = 0

    public init(truePositives: Int = 0, falsePositives: Int = 0, trueNegatives: Int = 0, falseNegatives: Int = 0) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Tallies `predicted` against `actual`, element by element.
    public init(predicted: [Bool], actual: [Bool]) {
        precondition(predicted.count == actual.count, "\(predicted.count) predictions for \(actual.count) labels")
        for (guess, truth) in zip(predicted, actual) {
            switch (guess, truth) {
            case (true, true): truePositives += 1
            case (true, false): falsePositives += 1
            case (false, false): trueNegatives += 1
            case (false, true): falseNegatives += 1
            }
        }
    }

    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    public var positives: Int { truePositives + falseNegatives }
    public var negatives: Int { trueNegatives + falsePositives }

    /// Fraction of correct decisions; `nil` when there are none.
    public var accuracy: Double? {
        total == 0 ? nil : Double(truePositives + trueNegatives) / Double(total)
    }

    /// True-positive rate; `nil` without positives.
    public var sensitivity: Double? {
        positives == 0 ? nil : Double(truePositives) / Double(positives)
    }

    /// True-negative rate; `nil` without negatives.
    public var specificity: Double? {
        negatives == 0 ? nil : Double(trueNegatives) / Double(negatives)
    }

    /// Mean of sensitivity and specificity; with one class only, that class's rate.
    public var balancedAccuracy: Double? {
        switch (sensitivity, specificity) {
        case let (sensitivity?, specificity?): return (sensitivity + specificity) / 2
        case let (rate?, nil), let (nil, rate?): return rate
        case (nil, nil): return nil
        }
    }
}

/// Threshold-free and thresholded measures of a binary scorer.
public enum BinaryMetrics {
    /// Area under the ROC curve: the probability that a random positive scores above a random
    /// negative, ties counting one half (the Mann-Whitney U statistic over both class sizes).
    ///
    /// - Returns: `nil` when either class is absent (the AUC is undefined).
    /// - Complexity: O(n log n).
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count, "\(scores.count) scores for \(labels.count) labels")
        let positives = labels.filter { $0 }.count
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }

        // Average ranks (1-based) over runs of tied scores.
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end + 2) / 2
            for position in start...end where labels[order[position]] { positiveRankSum += averageRank }
            start = end + 1
        }
        let u = positiveRankSum - Double(positives * (positives + 1)) / 2
        return u / Double(positives * negatives)
    }

    /// Accuracy of always predicting the more frequent class: the floor any classifier must beat.
    public static func majorityClassAccuracy(labels: [Bool]) -> Double? {
        guard !labels.isEmpty else { return nil }
        let positives = labels.filter { $0 }.count
        return Double(max(positives, labels.count - positives)) / Double(labels.count)
    }
}
