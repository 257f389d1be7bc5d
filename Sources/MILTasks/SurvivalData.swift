/// A right-censored survival outcome: a follow-up time and whether the event was observed.
///
/// Convention: `event == true` means the event (e.g. death, recurrence) happened at `time`;
/// `event == false` means the subject was censored at `time` (alive at last follow-up).
/// CLAM/PORPOISE/MCAT store the opposite flag, `censorship` (1 = censored), so
/// `event = censorship == 0` there.
public struct SurvivalOutcome: Equatable, Sendable, Codable {
    /// Follow-up time (any unit, e.g. months), ≥ 0.
    public var time: Double
    /// True when the event was observed at `time`, false when censored.
    public var event: Bool

    public init(time: Double, event: Bool) {
        self.time = time
        self.event = event
    }

    /// An outcome from CLAM/PORPOISE's columns (`survival_months`, `censorship`, 1 = censored).
    public init(time: Double, censorship: Int) {
        self.init(time: time, event: censorship == 0)
    }
}

/// Discretisation of follow-up times into K intervals at quantiles of the observed event times,
/// as PORPOISE and MCAT do for their discrete-time hazard models.
///
/// The inner edges are the k/K quantiles (k = 1…K−1, linear interpolation as NumPy's default,
/// which `pandas.qcut` uses) of the times of subjects WITH an event; the outer edges are the
/// minimum and maximum of ALL times, widened by `margin`. Intervals are closed on the left and
/// open on the right, [e_k, e_{k+1}); a time below the first edge falls in bin 0 and one at or
/// above the last in bin K−1, so times outside the fitted range still get a bin.
public struct SurvivalBins: Equatable, Sendable, Codable {
    /// K + 1 increasing edges.
    public let edges: [Double]

    /// Number of bins K.
    public var count: Int { edges.count - 1 }

    /// Fits K = `binCount` bins on `outcomes`.
    /// - Precondition: at least one outcome has an event; `binCount` ≥ 1.
    public init(fitting outcomes: [SurvivalOutcome], binCount: Int, margin: Double = 1e-6) {
        precondition(binCount >= 1, "need at least one survival bin")
        let eventTimes = outcomes.filter(\.event).map(\.time).sorted()
        precondition(!eventTimes.isEmpty, "survival bins need at least one observed event")
        let all = outcomes.map(\.time)
        var edges = (0...binCount).map { k in SurvivalBins.quantile(sorted: eventTimes, Double(k) / Double(binCount)) }
        edges[0] = all.min()! - margin
        edges[binCount] = all.max()! + margin
        self.edges = edges
    }

    /// Bins with explicit edges (e.g. reloaded from a saved model).
    /// - Precondition: at least two non-decreasing edges.
    public init(edges: [Double]) {
        precondition(edges.count >= 2 && zip(edges, edges.dropFirst()).allSatisfy { $0 <= $1 }, "bin edges must be ≥ 2 and non-decreasing")
        self.edges = edges
    }

    /// The bin index in 0..<K of `time`: the k with e_k ≤ time < e_{k+1}, clamped to the ends.
    public func bin(of time: Double) -> Int {
        var k = 0
        while k + 1 < count && time >= edges[k + 1] { k += 1 }
        return k
    }

    /// The q-quantile of sorted values with linear interpolation between order statistics.
    static func quantile(sorted values: [Double], _ q: Double) -> Double {
        let position = q * Double(values.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, values.count - 1)
        return values[lower] + (position - Double(lower)) * (values[upper] - values[lower])
    }
}
