import Foundation
import MILTasks
import PredictStage
import Store
import TrainStage
import XCTest

/// The pieces under multi-class, case-bag and survival training: targets from CSV columns,
/// folds stratified over many classes, class weights, risk halves and case grouping in prediction.
final class TaskBagSetTests: XCTestCase {
    private func table(_ text: String) throws -> CSVTable { try CSVTable.parse(text, source: "labels.csv") }

    func testSurvivalColumnsDefaultsAndCensorshipConvention() throws {
        let plain = try table("slide_id,time,event\na,12.5,1\nb,3,0\n")
        let columns = try TaskLabelColumns(table: plain, task: .survival, source: "labels.csv")
        XCTAssertEqual(try columns.target(of: plain.rows[0], line: 2), .outcome(SurvivalOutcome(time: 12.5, event: true)))
        XCTAssertEqual(try columns.target(of: plain.rows[1], line: 3), .outcome(SurvivalOutcome(time: 3, event: false)))

        let clam = try table("slide_id,survival_months,censorship\na,7,1\nb,2,0\n")
        let clamColumns = try TaskLabelColumns(table: clam, task: .survival, source: "labels.csv")
        XCTAssertEqual(try clamColumns.target(of: clam.rows[0], line: 2), .outcome(SurvivalOutcome(time: 7, event: false)), "censorship 1 = censored")
        XCTAssertEqual(try clamColumns.target(of: clam.rows[1], line: 3), .outcome(SurvivalOutcome(time: 2, event: true)))

        let named = try table("slide_id,T,died\na,4,yes\nb,-1,1\nc,5,2\n")
        let namedColumns = try TaskLabelColumns(table: named, task: .survival, timeColumn: "T", eventColumn: "died", source: "labels.csv")
        XCTAssertEqual(try namedColumns.target(of: named.rows[0], line: 2), .outcome(SurvivalOutcome(time: 4, event: true)))
        XCTAssertThrowsError(try namedColumns.target(of: named.rows[1], line: 3)) { error in
            XCTAssertEqual("\(error)", "labels.csv:3: time '-1' is not a finite number ≥ 0")
        }
        XCTAssertThrowsError(try namedColumns.target(of: named.rows[2], line: 4)) { error in
            XCTAssertEqual("\(error)", "labels.csv:4: event flag '2' is not 0 or 1")
        }
        XCTAssertThrowsError(try TaskLabelColumns(table: named, task: .survival, source: "labels.csv")) { error in
            XCTAssertTrue("\(error)".contains("'survival_months' and 'censorship'"), "\(error)")
        }
    }

    func testWhichLabelsNeedTheTaskPath() throws {
        XCTAssertFalse(TaskBagSet.isNeeded(table: try table("slide_id,label\na,x\nb,y\n"), task: .classification))
        XCTAssertTrue(TaskBagSet.isNeeded(table: try table("slide_id,label\na,x\nb,y\nc,z\n"), task: .classification))
        XCTAssertTrue(TaskBagSet.isNeeded(table: try table("case_id,slide_id,label\n1,a,x\n2,b,y\n"), task: .classification))
        XCTAssertFalse(TaskBagSet.isNeeded(table: try table("case_id,slide_id,label\n,a,x\n,b,y\n"), task: .classification))
        XCTAssertTrue(TaskBagSet.isNeeded(table: try table("slide_id,time,event\na,1,1\n"), task: .survival))
    }

    func testKFoldOverThreeClassesIsStratifiedAndDisjoint() throws {
        let strata = (0..<31).map { $0 % 3 == 0 ? 0 : ($0 % 3 == 1 ? 1 : 2) } + [2, 2]
        let folds = try SlideFoldPlan.kFold(strata: strata, folds: 4, validationFraction: 0.25, seed: 3)
        XCTAssertEqual(folds.flatMap(\.test).sorted(), Array(strata.indices), "test folds cover every bag once")
        for fold in folds {
            XCTAssertTrue(Set(fold.training).isDisjoint(with: fold.test) && Set(fold.validation).isDisjoint(with: fold.test))
            XCTAssertEqual(Set(fold.training + fold.validation + fold.test).count, strata.count)
            for stratum in 0..<3 {
                let total = strata.filter { $0 == stratum }.count, inTest = fold.test.filter { strata[$0] == stratum }.count
                XCTAssertLessThanOrEqual(abs(Double(inTest) - Double(total) / 4), 1, "class \(stratum) spread evenly")
                XCTAssertTrue(fold.validation.contains { strata[$0] == stratum }, "validation holds every class")
            }
        }
        XCTAssertThrowsError(try SlideFoldPlan.kFold(strata: [0, 0, 0, 1, 1, 1, 2], folds: 2, validationFraction: 0, seed: 0,
                                                     name: { "'c\($0)'" })) { error in
            XCTAssertEqual("\(error)", "too few slides: 1 'c2' bags for 2 folds")
        }
        // The binary entry point deals exactly as before strata existed.
        let labels = (0..<20).map { $0 % 3 == 0 }
        XCTAssertEqual(try SlideFoldPlan.kFold(labels: labels, folds: 3, validationFraction: 0.2, seed: 9),
                       try SlideFoldPlan.kFold(strata: labels.map { $0 ? 1 : 0 }, folds: 3, validationFraction: 0.2, seed: 9))
    }

    func testClassWeightsRiskHalvesAndCaseGrouping() throws {
        XCTAssertEqual(SlideTaskTrainPipeline.balancedClassWeights([0, 0, 0, 1, 2, 2], classCount: 4), [2.0 / 3, 2, 1, 0],
                       "n / (C · n_c) over the C = 3 classes present; absent classes 0")
        let bags: [(risk: Double, outcome: SurvivalOutcome, fold: Int)] = [
            (5, SurvivalOutcome(time: 1, event: true), 1), (1, SurvivalOutcome(time: 9, event: false), 1), (3, SurvivalOutcome(time: 2, event: true), 1),
            (-1, SurvivalOutcome(time: 3, event: true), 2), (-2, SurvivalOutcome(time: 8, event: true), 2),
        ]
        let halves = SlideTaskTrainPipeline.riskHalves(bags)
        XCTAssertEqual(Set(halves.high.map(\.time)), [1, 3], "above each fold's own median")
        XCTAssertEqual(Set(halves.low.map(\.time)), [9, 2, 8])
        let grouped = SlideTaskPredictPipeline.bags(slideIDs: ["s1", "s2", "s3", "s4"], caseIDs: ["c2", nil, "c2", ""])
        XCTAssertEqual(grouped.map(\.id), ["c2", "s2", "s4"])
        XCTAssertEqual(grouped.map(\.slides), [["s1", "s3"], ["s2"], ["s4"]])
    }
}
