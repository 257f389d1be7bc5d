import Foundation
import Store

extension SlideFoldPlan {
    /// One fold from a CLAM split file (`splits_<k>.csv`): columns `train`, `val` and `test`, each
    /// listing slide ids down the column (cells may be empty where a column is shorter; a leading
    /// index column is ignored). Passing CLAM's k files gives its k folds.
    /// - Parameters: `ids` are the bag ids of the data, `number` the fold number to give.
    /// - Throws: `StoreError.malformedCSV` without a `train` column, for an id that names no
    ///   labelled slide, or for a slide listed in two columns.
    public static func fromSplitFile(_ url: URL, ids: [String], number: Int) throws -> SlideFold {
        let table = try CSVTable.read(from: url)
        guard let trainColumn = table.column("train") else {
            throw StoreError.malformedCSV(path: url.path, line: 1, problem: "needs 'train', 'val' and 'test' columns (CLAM splits_k.csv)")
        }
        let index = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        func rows(_ column: Int?) throws -> [Int] {
            guard let column else { return [] }
            var result: [Int] = []
            for (offset, row) in table.rows.enumerated() {
                let id = row[column].trimmingCharacters(in: .whitespaces)
                guard !id.isEmpty else { continue }
                guard let position = index[id] else {
                    throw StoreError.malformedCSV(path: url.path, line: offset + 2, problem: "slide '\(id)' is not in the labels")
                }
                guard seen.insert(id).inserted else {
                    throw StoreError.malformedCSV(path: url.path, line: offset + 2, problem: "slide '\(id)' is listed twice")
                }
                result.append(position)
            }
            return result.sorted()
        }
        let training = try rows(trainColumn), validation = try rows(table.column("val")), test = try rows(table.column("test"))
        guard !training.isEmpty else { throw SlideTrainError.tooFewSlides(problem: "\(url.lastPathComponent) lists no training slide") }
        return SlideFold(number: number, training: training, validation: validation, test: test)
    }
}
