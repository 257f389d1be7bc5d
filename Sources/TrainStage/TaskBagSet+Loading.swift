import Foundation
import MIL
import MILTasks
import Store
import Tensor

extension TaskBagSet {
    /// Reads the bags of a labels CSV (`slide_id` and the target columns of `columns`, optional
    /// `case_id`, `split`, `fold`) from `<featuresFolder>/<slide_id>.h5`.
    /// - Throws: `StoreError.malformedCSV` for a missing `slide_id` column, an empty or repeated
    ///   slide id, or a case whose slides disagree on the target, split or fold;
    ///   `SlideTrainError` for a missing, empty, non-finite or mis-sized feature file.
    public static func load(labels table: CSVTable, source: String, columns: TaskLabelColumns, featuresFolder: URL) throws -> TaskBagSet {
        guard let slideColumn = table.column("slide_id") else {
            throw StoreError.malformedCSV(path: source, line: 1, problem: "needs a 'slide_id' column")
        }
        let caseColumn = table.column("case_id"), splitColumn = table.column("split"), foldColumn = table.column("fold")
        func cell(_ row: [String], _ column: Int?) -> String? {
            column.map { row[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        struct Group { var id: String; var line: Int; var target: RowTarget; var split: String?; var fold: String?; var slides: [String] }
        var groups: [Group] = [], position: [String: Int] = [:], seen = Set<String>()
        for (offset, row) in table.rows.enumerated() {
            let line = offset + 2
            guard let slide = cell(row, slideColumn) else { throw StoreError.malformedCSV(path: source, line: line, problem: "empty slide_id") }
            guard seen.insert(slide).inserted else {
                throw StoreError.malformedCSV(path: source, line: line, problem: "slide '\(slide)' is listed twice")
            }
            let target = try columns.target(of: row, line: line)
            let split = cell(row, splitColumn), fold = cell(row, foldColumn)
            let id = cell(row, caseColumn) ?? slide
            if let index = position[id] {
                let first = groups[index]
                guard first.target == target, first.split == split, first.fold == fold else {
                    throw StoreError.malformedCSV(path: source, line: line,
                                                  problem: "case '\(id)': slide '\(slide)' has another label, time, event, split or fold than line \(first.line)")
                }
                groups[index].slides.append(slide)
            } else {
                position[id] = groups.count
                groups.append(Group(id: id, line: line, target: target, split: split, fold: fold, slides: [slide]))
            }
        }
        guard !groups.isEmpty else { throw StoreError.malformedCSV(path: source, line: 2, problem: "lists no slide") }
        var features: [Tensor] = [], members: [[BagMember]] = []
        var reference: (slide: String, width: Int)?
        for group in groups {
            var rows: [Float] = [], bagMembers: [BagMember] = []
            for slide in group.slides {
                let url = featuresFolder.appendingPathComponent(slide + ".h5")
                guard FileManager.default.fileExists(atPath: url.path) else { throw SlideTrainError.missingFeatures(slide: slide, path: url.path) }
                let bag = try SlideBagSet.checkedBag(FeatureFile.read(from: url), slide: slide, expectedWidth: reference?.width,
                                                     reference: reference.map { "slide '\($0.slide)'" } ?? "")
                if reference == nil { reference = (slide, bag.shape[1]) }
                rows += bag.storage
                bagMembers.append(BagMember(slideID: slide, tiles: bag.shape[0]))
            }
            features.append(Tensor(shape: [rows.count / reference!.width, reference!.width], storage: rows))
            members.append(bagMembers)
        }
        let (targets, classes) = try Self.targets(groups.map(\.target), task: columns.task)
        return TaskBagSet(ids: groups.map(\.id), idColumn: caseColumn != nil ? "case_id" : "slide_id", features: features, targets: targets,
                          classes: classes, task: columns.task, members: members, splits: groups.map(\.split),
                          foldNames: groups.map(\.fold), featureWidth: reference!.width)
    }

    /// Reads generic bags from an instances CSV (one instance per row: a bag id column, the target
    /// columns, every other column not in `ignoredColumns` a numeric feature).
    /// - Throws: `SlideTrainError.malformedInstances` naming the line for a missing column, a
    ///   non-numeric feature, or a bag whose rows disagree on the target.
    public static func loadInstances(csv url: URL, bagColumn: String, columns: TaskLabelColumns, ignoredColumns: [String]) throws -> TaskBagSet {
        let table = try CSVTable.read(from: url)
        guard let bagIndex = table.column(bagColumn) else {
            throw SlideTrainError.malformedInstances(path: url.path, line: 1, problem: "needs a '\(bagColumn)' column")
        }
        let bags = try InstanceBags(table: table, path: url.path, bagIndex: bagIndex,
                                    nonFeatureColumns: Set(ignoredColumns.compactMap(table.column)).union(columns.columns),
                                    target: columns.target(of:line:),
                                    conflict: { bag, _, _ in "bag '\(bag)' has another target than its earlier rows" })
        let (bagTargets, classes) = try Self.targets(bags.targets, task: columns.task)
        return TaskBagSet(ids: bags.ids, idColumn: "bag_id", features: bags.features, targets: bagTargets, classes: classes, task: columns.task,
                          members: zip(bags.ids, bags.features).map { [BagMember(slideID: $0, tiles: $1.shape[0])] },
                          splits: bags.ids.map { _ in nil }, foldNames: bags.ids.map { _ in nil }, featureWidth: bags.width)
    }
}
