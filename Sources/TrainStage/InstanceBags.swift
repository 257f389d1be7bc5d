import Foundation
import Store
import Tensor

/// The instances of an instances CSV (one instance per row) grouped into bags, before the bags'
/// targets mean anything: what the binary and the task loaders of `train --instances` share.
struct InstanceBags<Target: Equatable> {
    /// Bag ids in the order of their first row.
    var ids: [String]
    /// Each bag's target, as its rows give it.
    var targets: [Target]
    /// Each bag's instances (instances × features), in file order.
    var features: [Tensor]
    /// Features per instance.
    var width: Int

    /// Groups `table`'s rows by the bag id in column `bagIndex`; every column not in
    /// `nonFeatureColumns` (nor the bag id) is a feature.
    /// - Parameters:
    ///   - path: the CSV's path, for errors.
    ///   - target: a row's target; throws for a row without one.
    ///   - conflict: the problem to report when a bag's rows disagree on the target.
    /// - Throws: `SlideTrainError.malformedInstances` naming the line for an empty bag id, a
    ///   non-numeric or non-finite feature, a bag whose rows disagree, no feature column or no row.
    init(table: CSVTable, path: String, bagIndex: Int, nonFeatureColumns: Set<Int>,
         target: (_ row: [String], _ line: Int) throws -> Target,
         conflict: (_ bag: String, _ earlier: Target, _ here: Target) -> String) throws {
        let skipped = nonFeatureColumns.union([bagIndex])
        let featureColumns = table.header.indices.filter { !skipped.contains($0) }
        guard !featureColumns.isEmpty else { throw SlideTrainError.malformedInstances(path: path, line: 1, problem: "has no feature column") }
        var order: [String] = [], rows: [String: [Float]] = [:], targets: [String: Target] = [:]
        for (offset, row) in table.rows.enumerated() {
            let line = offset + 2
            let bag = row[bagIndex].trimmingCharacters(in: .whitespaces)
            guard !bag.isEmpty else { throw SlideTrainError.malformedInstances(path: path, line: line, problem: "empty bag id") }
            let value = try target(row, line)
            if let known = targets[bag], known != value {
                throw SlideTrainError.malformedInstances(path: path, line: line, problem: conflict(bag, known, value))
            }
            if targets[bag] == nil { order.append(bag); targets[bag] = value }
            for column in featureColumns {
                guard let feature = Float(row[column].trimmingCharacters(in: .whitespaces)), feature.isFinite else {
                    throw SlideTrainError.malformedInstances(path: path, line: line,
                                                             problem: "column '\(table.header[column])' holds '\(row[column])', not a finite number")
                }
                rows[bag, default: []].append(feature)
            }
        }
        guard !order.isEmpty else { throw SlideTrainError.malformedInstances(path: path, line: 2, problem: "holds no instance") }
        let width = featureColumns.count
        self.ids = order
        self.targets = order.map { targets[$0]! }
        self.features = order.map { Tensor(shape: [rows[$0]!.count / width, width], storage: rows[$0]!) }
        self.width = width
    }
}
