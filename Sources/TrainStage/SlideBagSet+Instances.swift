import Foundation
import MIL
import Store
import Tensor

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
        let skipped = Set(ignoredColumns.compactMap(table.column)).union([bagIndex, labelIndex])
        let featureColumns = table.header.indices.filter { !skipped.contains($0) }
        guard !featureColumns.isEmpty else {
            throw SlideTrainError.malformedInstances(path: url.path, line: 1, problem: "has no feature column")
        }
        var order: [String] = []
        var rows: [String: [Float]] = [:]
        var labels: [String: String] = [:]
        for (offset, row) in table.rows.enumerated() {
            let line = offset + 2
            let bag = row[bagIndex].trimmingCharacters(in: .whitespaces)
            let label = row[labelIndex].trimmingCharacters(in: .whitespaces)
            guard !bag.isEmpty, !label.isEmpty else {
                throw SlideTrainError.malformedInstances(path: url.path, line: line, problem: "empty bag id or label")
            }
            if let known = labels[bag], known != label {
                throw SlideTrainError.malformedInstances(path: url.path, line: line,
                                                         problem: "bag '\(bag)' is labelled '\(known)' earlier and '\(label)' here")
            }
            if labels[bag] == nil { order.append(bag); labels[bag] = label }
            for column in featureColumns {
                guard let value = Float(row[column].trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw SlideTrainError.malformedInstances(path: url.path, line: line,
                                                             problem: "column '\(table.header[column])' holds '\(row[column])', not a finite number")
                }
                rows[bag, default: []].append(value)
            }
        }
        guard !order.isEmpty else { throw SlideTrainError.malformedInstances(path: url.path, line: 2, problem: "holds no instance") }
        let mapping = try SlideLabelMapping.infer(classes: Array(labels.values), positive: positiveClass)
        let width = featureColumns.count
        let features = order.map { Tensor(shape: [rows[$0]!.count / width, width], storage: rows[$0]!) }
        return SlideBagSet(ids: order, bags: LabelledBags(features: features, labels: order.map { labels[$0] == mapping.positive }),
                           splits: order.map { _ in nil }, mapping: mapping, featureWidth: width)
    }
}
