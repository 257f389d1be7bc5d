import Foundation
import NN
import Tensor

/// Negative Cox partial log-likelihood of risk scores, with Breslow's handling of tied times,
/// normalised by the number of events (as pycox's `CoxPHLoss` and DeepSurv do):
///
///     loss = −(1/E) Σ_{i: event} [ η_i − log Σ_{j: t_j ≥ t_i} exp(η_j) ]
///
/// η is the model's log-hazard (risk) score per bag: higher = earlier event. Under Breslow every
/// subject whose time equals t_i is in the risk set of i, events and censored alike. A batch
/// without any event carries no information: loss 0 and zero gradient. Works in double precision
/// with a max shift, so large scores do not overflow. O(B log B).
public enum CoxPartialLikelihood {
    /// - Parameters: `risks` [B] (or [B, 1]) scores η; `outcomes` B survival outcomes.
    /// - Returns: the loss and dLoss/dη (same shape as `risks`):
    ///   −(1/E)[δ_k − Σ_{i: event, t_i ≤ t_k} exp(η_k) / R_i], with R_i the risk-set sum of i.
    public static func loss(risks: Tensor, outcomes: [SurvivalOutcome]) -> LossValue {
        precondition(risks.count == outcomes.count, "\(risks.count) risk scores for \(outcomes.count) outcomes")
        let n = outcomes.count
        var gradient = Tensor(shape: risks.shape)
        let eventCount = outcomes.filter(\.event).count
        guard eventCount > 0 else { return LossValue(value: 0, gradient: gradient) }
        let eta = risks.storage.map(Double.init)
        let shift = eta.max()!
        let expEta = eta.map { exp($0 - shift) }
        // Sort by time descending; a running sum over each group of equal times gives the
        // Breslow risk-set sum R(t) = Σ_{t_j ≥ t} exp(η_j) for the whole group.
        let order = (0..<n).sorted { outcomes[$0].time > outcomes[$1].time }
        var riskSetSum = [Double](repeating: 0, count: n)
        var running = 0.0
        var start = 0
        while start < n {
            var end = start
            while end + 1 < n && outcomes[order[end + 1]].time == outcomes[order[start]].time { end += 1 }
            for position in start...end { running += expEta[order[position]] }
            for position in start...end { riskSetSum[order[position]] = running }
            start = end + 1
        }
        // Σ over events i with t_i ≤ t_k of 1/R_i, accumulated in ascending time (ties together).
        var total = 0.0
        var inverseRiskSums = 0.0
        var cumulative = [Double](repeating: 0, count: n)
        start = n - 1
        while start >= 0 {
            var end = start
            while end - 1 >= 0 && outcomes[order[end - 1]].time == outcomes[order[start]].time { end -= 1 }
            for position in end...start where outcomes[order[position]].event {
                let i = order[position]
                inverseRiskSums += 1 / riskSetSum[i]
                total += eta[i] - (log(riskSetSum[i]) + shift)
            }
            for position in end...start { cumulative[order[position]] = inverseRiskSums }
            start = end - 1
        }
        let e = Double(eventCount)
        for k in 0..<n {
            let delta = outcomes[k].event ? 1.0 : 0.0
            gradient.storage[k] = Float(-(delta - expEta[k] * cumulative[k]) / e)
        }
        return LossValue(value: Float(-total / e), gradient: gradient)
    }
}
