/// One step of a Kaplan–Meier curve: the estimate just after an event time.
public struct KaplanMeierStep: Equatable, Sendable, Codable {
    /// A distinct time at which at least one event happened.
    public let time: Double
    /// Subjects at risk just before `time` (time ≥ `time`).
    public let atRisk: Int
    /// Events at `time`.
    public let events: Int
    /// Censored subjects at `time` (counted at risk at `time`, gone after it).
    public let censored: Int
    /// Ŝ(time) = Π_{t_k ≤ time} (1 − d_k / n_k).
    public let survival: Double

    public init(time: Double, atRisk: Int, events: Int, censored: Int, survival: Double) {
        self.time = time
        self.atRisk = atRisk
        self.events = events
        self.censored = censored
        self.survival = survival
    }
}

/// The Kaplan–Meier product-limit estimator of a survival function.
public struct KaplanMeier: Equatable, Sendable, Codable {
    /// One step per distinct event time, ascending. Ŝ is 1 before the first step.
    public let steps: [KaplanMeierStep]

    /// Estimates Ŝ from `outcomes`; a censoring at the same time as an event is taken to follow
    /// the event (the usual convention, also lifelines'). Steps are at event times only.
    public init(outcomes: [SurvivalOutcome]) {
        let times = Set(outcomes.filter(\.event).map(\.time)).sorted()
        var survival = 1.0
        steps = times.map { t in
            let atRisk = outcomes.filter { $0.time >= t }.count
            let events = outcomes.filter { $0.time == t && $0.event }.count
            let censored = outcomes.filter { $0.time == t && !$0.event }.count
            survival *= 1 - Double(events) / Double(atRisk)
            return KaplanMeierStep(time: t, atRisk: atRisk, events: events, censored: censored, survival: survival)
        }
    }

    /// Ŝ(t): the estimate of the last step at or before `t` (right-continuous), 1 before any event.
    public func survival(at t: Double) -> Double {
        steps.last { $0.time <= t }?.survival ?? 1
    }

    /// The median survival time: the first step where Ŝ ≤ 0.5, or `nil` if Ŝ stays above it.
    public var medianSurvivalTime: Double? {
        steps.first { $0.survival <= 0.5 }?.time
    }
}
