import Foundation
import MIL
import Store

extension SlideBagSet {
    /// Reads generic MIL bags from a CSV with one instance per row: a bag-id column, a bag-label
    /// column, and every other column a numeric feature (classic benchmarks such as Musk).
    /// Bags keep the order of their first row; instances keep file order.
    /// - Parameters: `bagColumn` / `labelColumn` name the id and label columns (defaults `bag_id`,
    ///   `label`); `ignoredColumns` are skipped (e.g. an instance name).
    /// - Throws: `SlideTrainError.malformedInstances` for a missing column, a non-numeric or
    ///   non-finite feature, or a bag whose rows disagree on the label.
    public static func loadInstances(csv url: URL, bagColumn: String = "bag_id", labelColumn: String = "label",
                                     ignoredColumns: [String] = [], positiveClass: String?) throws -> SlideBagSet {
        let table = try CSVTable.read(from: url)
        guard let bagIndex = table.column(bagColumn), let labelIndex = table.column(labelColumn) else {
            throw SlideTrainError.malformedInstances(path: url.path, line: 1, problem: "needs '\(bagColumn)' and '\(labelColumn)' columns")
        }
        let bags = try InstanceBags(table: table, path: url.path, bagIndex: bagIndex,
                                    nonFeatureColumns: Set(ignoredColumns.compactMap(table.column)).union([labelIndex]),
                                    target: { row, line in
                                        let label = row[labelIndex].trimmingCharacters(in: .whitespaces)
                                        guard !label.isEmpty else {
                                            throw SlideTrainError.malformedInstances(path: url.path, line: line, problem: "empty label")
                                        }
                                        return label
                                    },
                                    conflict: { bag, earlier, here in "bag '\(bag)' is labelled '\(earlier)' earlier and '\(here)' here" })
        let mapping = try SlideLabelMapping.infer(classes: bags.targets, positive: positiveClass)
        return SlideBagSet(ids: bags.ids, bags: LabelledBags(features: bags.features, labels: bags.targets.map { $0 == mapping.positive }),
                           splits: bags.ids.map { _ in nil }, mapping: mapping, featureWidth: bags.width)
    }
}
