import Foundation

/// Harrell's concordance index of risk scores against right-censored outcomes.
///
/// A pair (i, j) is comparable when i had the event first: `event_i` and either t_j > t_i, or
/// t_j == t_i with j censored (j was still at risk when i's event happened). It is concordant
/// when risk_i > risk_j, and counts one half when the risks tie. C = (concordant + ties/2) /
/// comparable, as scikit-survival's `concordance_index_censored`; it equals lifelines'
/// `concordance_index(t, −risk, event)` when no two times tie. Higher risk = earlier event.
public enum ConcordanceIndex {
    /// - Returns: C in [0, 1], or `nil` when no pair is comparable (e.g. no event).
    /// - Complexity: O(n²) time, O(1) extra memory.
    public static func harrell(risks: [Double], outcomes: [SurvivalOutcome]) -> Double? {
        precondition(risks.count == outcomes.count, "\(risks.count) risk scores for \(outcomes.count) outcomes")
        var comparable = 0.0, concordant = 0.0
        for i in outcomes.indices where outcomes[i].event {
            for j in outcomes.indices where j != i {
                let later = outcomes[j].time > outcomes[i].time
                let tiedButCensored = outcomes[j].time == outcomes[i].time && !outcomes[j].event
                guard later || tiedButCensored else { continue }
                comparable += 1
                if risks[i] > risks[j] { concordant += 1 } else if risks[i] == risks[j] { concordant += 0.5 }
            }
        }
        return comparable == 0 ? nil : concordant / comparable
    }
}
