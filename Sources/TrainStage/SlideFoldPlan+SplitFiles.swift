import Foundation
import Store

extension SlideFoldPlan {
    /// One fold from a CLAM split file (`splits_<k>.csv`): columns `train`, `val` and `test`, each
    /// listing slide ids down the column (cells may be empty where a column is shorter; a leading
    /// index column is ignored). Passing CLAM's k files gives its k folds.
    /// - Parameters: `ids` are the bag ids of the data, `number` the fold number to give;
    ///   `members` (case bags) lists each bag's slide ids, so a file of slide ids selects the
    ///   slides' cases (a case may be named by several of its slides, in one column only).
    /// - Throws: `StoreError.malformedCSV` without a `train` column, for an id that names no
    ///   labelled slide, or for a slide (or case) listed in two columns.
    public static func fromSplitFile(_ url: URL, ids: [String], number: Int, members: [[String]]? = nil) throws -> SlideFold {
        let table = try CSVTable.read(from: url)
        guard let trainColumn = table.column("train") else {
            throw StoreError.malformedCSV(path: url.path, line: 1, problem: "needs 'train', 'val' and 'test' columns (CLAM splits_k.csv)")
        }
        var index = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (bag, slides) in (members ?? []).enumerated() { for slide in slides where index[slide] == nil { index[slide] = bag } }
        var seen = Set<String>(), columnOf: [Int: Int] = [:]
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
                guard columnOf[position, default: column] == column else {
                    throw StoreError.malformedCSV(path: url.path, line: offset + 2, problem: "case '\(ids[position])' is listed in two columns")
                }
                if columnOf.updateValue(column, forKey: position) == nil { result.append(position) }
            }
            return result.sorted()
        }
        let training = try rows(trainColumn), validation = try rows(table.column("val")), test = try rows(table.column("test"))
        guard !training.isEmpty else { throw SlideTrainError.tooFewSlides(problem: "\(url.lastPathComponent) lists no training slide") }
        return SlideFold(number: number, training: training, validation: validation, test: test)
    }
}
