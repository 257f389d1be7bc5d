import Foundation
import MIL
import MILTasks
import NN
import Tensor
import XCTest

/// Survival losses and metrics against pandas (PORPOISE's bins), PyTorch autograd (MCAT's NLL,
/// the Breslow partial likelihood) and lifelines (c-index, Kaplan–Meier, log-rank), plus hand
/// cases for ties and finite differences for the gradients.
final class SurvivalReferenceTests: XCTestCase {
    private func reference() throws -> (values: [String: Any], outcomes: [SurvivalOutcome]) {
        let values = try XCTUnwrap(try MILReferenceValues.load()["survival"] as? [String: Any])
        let times = try MILReferenceValues.doubles(values["times"]), events = try MILReferenceValues.ints(values["events"])
        return (values, zip(times, events).map { SurvivalOutcome(time: $0, event: $1 == 1) })
    }

    func testBinsMatchPORPOISEQuantileCut() throws {
        let (values, outcomes) = try reference()
        let bins = SurvivalBins(fitting: outcomes, binCount: 4)
        for (ours, theirs) in zip(bins.edges, try MILReferenceValues.doubles(values["bin_edges"])) { XCTAssertEqual(ours, theirs, accuracy: 1e-9) }
        XCTAssertEqual(outcomes.map { bins.bin(of: $0.time) }, try MILReferenceValues.ints(values["bins"]))
        XCTAssertEqual(bins.bin(of: -5), 0)
        XCTAssertEqual(bins.bin(of: 1e9), 3)
        XCTAssertEqual(SurvivalOutcome(time: 3, censorship: 1), SurvivalOutcome(time: 3, event: false))
    }

    func testDiscreteTimeLossMatchesMCAT() throws {
        let (values, outcomes) = try reference()
        let bins = try MILReferenceValues.ints(values["bins"])
        let nll = try XCTUnwrap(values["nll"] as? [String: Any])
        let logits = Tensor(shape: [outcomes.count, 4], storage: try MILReferenceValues.doubles(nll["logits"]).map(Float.init))
        for alpha in ["0.0": Float(0), "0.4": 0.4] {
            let expected = try XCTUnwrap(nll["alpha_\(alpha.key)"] as? [String: Any])
            let loss = DiscreteTimeSurvivalLoss.loss(logits: logits, bins: bins, events: outcomes.map(\.event), alpha: alpha.value)
            XCTAssertEqual(Double(loss.value), try MILReferenceValues.double(expected["loss"]), accuracy: 1e-5, "alpha \(alpha.key)")
            for (ours, theirs) in zip(loss.gradient.storage, try MILReferenceValues.doubles(expected["gradient"])) {
                XCTAssertEqual(Double(ours), theirs, accuracy: 1e-6, "alpha \(alpha.key)")
            }
        }
    }

    func testCoxLossMatchesBreslowDoubleSum() throws {
        let (values, outcomes) = try reference()
        let risks = Tensor(shape: [outcomes.count], storage: try MILReferenceValues.doubles(values["risks"]).map(Float.init))
        let loss = CoxPartialLikelihood.loss(risks: risks, outcomes: outcomes)
        XCTAssertEqual(Double(loss.value), try MILReferenceValues.double(values["cox_loss"]), accuracy: 1e-5)
        for (ours, theirs) in zip(loss.gradient.storage, try MILReferenceValues.doubles(values["cox_gradient"])) {
            XCTAssertEqual(Double(ours), theirs, accuracy: 1e-6)
        }
        let censoredOnly = CoxPartialLikelihood.loss(risks: risks, outcomes: outcomes.map { SurvivalOutcome(time: $0.time, event: false) })
        XCTAssertEqual(censoredOnly.value, 0)
        XCTAssertTrue(censoredOnly.gradient.storage.allSatisfy { $0 == 0 })
        // A shift of every risk changes nothing (only differences matter), even a huge one.
        let shifted = CoxPartialLikelihood.loss(risks: risks.map { $0 + 500 }, outcomes: outcomes)
        XCTAssertEqual(shifted.value, loss.value, accuracy: 1e-4)
    }

    func testSurvivalLossGradientsMatchFiniteDifferences() throws {
        let (_, outcomes) = try reference()
        var generator = SeededGenerator(seed: 9)
        let subset = Array(outcomes.prefix(12))
        let bins = SurvivalBins(fitting: outcomes, binCount: 4)
        var logits = Tensor.normal([12, 4], generator: &generator)
        var risks = Tensor.normal([12], generator: &generator)
        let step: Float = 1e-2
        let nll = { (x: Tensor) in DiscreteTimeSurvivalLoss.loss(logits: x, bins: subset.map { bins.bin(of: $0.time) }, events: subset.map(\.event), alpha: 0.25) }
        let analyticNLL = nll(logits).gradient
        for index in logits.storage.indices {
            let original = logits.storage[index]
            logits.storage[index] = original + step; let up = nll(logits).value
            logits.storage[index] = original - step; let down = nll(logits).value
            logits.storage[index] = original
            XCTAssertEqual(analyticNLL.storage[index], (up - down) / (2 * step), accuracy: 1e-3, "NLL dlogit[\(index)]")
        }
        let analyticCox = CoxPartialLikelihood.loss(risks: risks, outcomes: subset).gradient
        for index in risks.storage.indices {
            let original = risks.storage[index]
            risks.storage[index] = original + step; let up = CoxPartialLikelihood.loss(risks: risks, outcomes: subset).value
            risks.storage[index] = original - step; let down = CoxPartialLikelihood.loss(risks: risks, outcomes: subset).value
            risks.storage[index] = original
            XCTAssertEqual(analyticCox.storage[index], (up - down) / (2 * step), accuracy: 1e-3, "Cox drisk[\(index)]")
        }
    }

    func testConcordanceMatchesLifelinesAndHandledTies() throws {
        let (values, outcomes) = try reference()
        let risks = try MILReferenceValues.doubles(values["risks"])
        let untied = try XCTUnwrap(values["untied_mask"] as? [Bool])
        let keep = untied.indices.filter { untied[$0] }
        XCTAssertEqual(try XCTUnwrap(ConcordanceIndex.harrell(risks: keep.map { risks[$0] }, outcomes: keep.map { outcomes[$0] })),
                       try MILReferenceValues.double(values["c_index_untied"]), accuracy: 1e-12)
        // By hand: A(t=1, event), B(t=1, censored), C(t=2, event), D(t=3, censored).
        // Comparable: A-B (same time, B censored), A-C, A-D, C-D = 4 pairs; B-anything is not
        // (B censored) and neither is D. With risks A 0.5, B 0.1, C 0.5, D 0.9: A-B concordant,
        // A-C tied (½), A-D and C-D discordant: C = 1.5 / 4.
        let hand = [SurvivalOutcome(time: 1, event: true), SurvivalOutcome(time: 1, event: false),
                    SurvivalOutcome(time: 2, event: true), SurvivalOutcome(time: 3, event: false)]
        XCTAssertEqual(ConcordanceIndex.harrell(risks: [0.5, 0.1, 0.5, 0.9], outcomes: hand), 1.5 / 4)
        XCTAssertNil(ConcordanceIndex.harrell(risks: [1, 2], outcomes: [SurvivalOutcome(time: 1, event: false), SurvivalOutcome(time: 2, event: false)]))
    }

    func testKaplanMeierAndLogRankMatchLifelines() throws {
        let (values, outcomes) = try reference()
        let curve = KaplanMeier(outcomes: outcomes)
        XCTAssertEqual(curve.steps.map(\.time), try MILReferenceValues.doubles(values["km_times"]))
        for (step, theirs) in zip(curve.steps, try MILReferenceValues.doubles(values["km_survival"])) {
            XCTAssertEqual(step.survival, theirs, accuracy: 1e-12, "S(\(step.time))")
        }
        XCTAssertEqual(try XCTUnwrap(curve.medianSurvivalTime), try MILReferenceValues.double(values["km_median"]))
        XCTAssertEqual(curve.survival(at: -1), 1)
        let group = try XCTUnwrap(values["logrank_group"] as? [Bool])
        let result = try XCTUnwrap(LogRankTest.compare(outcomes.indices.filter { group[$0] }.map { outcomes[$0] },
                                                       outcomes.indices.filter { !group[$0] }.map { outcomes[$0] }))
        XCTAssertEqual(result.chiSquare, try MILReferenceValues.double(values["logrank_chi2"]), accuracy: 1e-9)
        XCTAssertEqual(result.pValue, try MILReferenceValues.double(values["logrank_p"]), accuracy: 1e-9)
        XCTAssertNil(LogRankTest.compare(outcomes, []))
    }

    /// Kaplan–Meier by hand: censoring at 1.5, a death at 2 (4 at risk), censoring at 3, a death
    /// at 5 (2 at risk): S(2) = 3/4, S(5) = 3/4 · 1/2.
    func testKaplanMeierByHand() {
        let outcomes = [SurvivalOutcome(time: 2, event: true), SurvivalOutcome(time: 3, event: false), SurvivalOutcome(time: 5, event: true),
                        SurvivalOutcome(time: 7, event: false), SurvivalOutcome(time: 1.5, event: false)]
        let curve = KaplanMeier(outcomes: outcomes)
        XCTAssertEqual(curve.steps, [KaplanMeierStep(time: 2, atRisk: 4, events: 1, censored: 0, survival: 0.75),
                                     KaplanMeierStep(time: 5, atRisk: 2, events: 1, censored: 0, survival: 0.375)])
        XCTAssertEqual(curve.survival(at: 4), 0.75)
        XCTAssertEqual(curve.medianSurvivalTime, 5)
    }
}
