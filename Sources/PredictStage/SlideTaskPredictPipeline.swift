import Foundation
import MIL
import MILTasks
import RunSupport
import Store
import Tensor
import TrainStage

/// One bag's prediction by a multi-class, case-bag or survival model.
public struct TaskBagPrediction: Sendable {
    /// Slide id, or case id for a case bag.
    public var bagID: String
    /// Class probabilities (classification) or `[risk]` (survival), averaged over the models.
    public var scores: [Double]
    /// Arg-max class name; nil for survival.
    public var predictedLabel: String?
    /// The bag's slides with their tiles.
    public var members: [BagMember]
    /// Attention per slide, in `members` order: [branch][tile of that slide].
    public var attention: [[[Float]]]
    /// Per slide: level-0 corners and tile side from its feature file.
    public var coordinates: [[PatchCoordinate]]
    public var patchSizes: [Int?]
}

/// `slidemil predict` with models of `SlideTaskTrainPipeline` (format `slidemil-mil-task-model`).
///
/// A bag is a slide, or, when the slide list has a `case_id` column, every listed slide of a
/// case (tiles concatenated as in training). Several fold models are averaged: class
/// probabilities or risks, and attention per branch. Writes `predictions.csv`
/// (`slide_id|case_id,p_<class>...,predicted_label,tiles`, or `...,risk,tiles` for survival) and,
/// per slide, `attention/<slide_id>.h5`: its rows of the bag's attention; with classes, the
/// predicted class's branch as `attention` and every class's as `class_attention` (CLAM-MB,
/// DSMIL), plus the class names and probabilities (see `ClassScores`). Every bag is read and
/// predicted before anything is written.
public struct SlideTaskPredictPipeline {
    public var models: [SlideTaskModel]
    public var card: SlideTaskModelCard

    /// - Throws: `SlideTrainError.badModel` for no model, or models that disagree on input
    ///   width, task, head or classes.
    public init(models: [(model: SlideTaskModel, card: SlideTaskModelCard)]) throws {
        guard let first = models.first else { throw SlideTrainError.badModel(path: "(none)", problem: "no model was given to predict with") }
        for (_, card) in models.dropFirst()
        where card.inputWidth != first.card.inputWidth || card.task != first.card.task || card.head != first.card.head || card.classes != first.card.classes {
            throw SlideTrainError.badModel(path: "fold \(card.fold)", problem: "input width, task, head or classes differ from fold \(first.card.fold)'s")
        }
        self.models = models.map(\.model)
        card = first.card
    }

    /// Whether `path` is a task model folder or a run folder of task models.
    public static func holdsTaskModels(_ path: URL) -> Bool {
        if SlideTaskModel.card(in: path) != nil { return true }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []
        return names.contains { $0.hasPrefix("fold-") && SlideTaskModel.card(in: path.appendingPathComponent($0)) != nil }
    }

    /// The task models a selection picks from a run or model folder.
    /// - Throws: `SlideTrainError.badModel` when a fold is missing or `best` has no summary.
    public static func load(_ selection: SlideModelSelection, from path: URL) throws -> [(model: SlideTaskModel, card: SlideTaskModelCard)] {
        if SlideTaskModel.card(in: path) != nil { return [try SlideTaskModel.load(from: path)] }
        let folds = ((try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []).compactMap { name -> Int? in
            guard name.hasPrefix("fold-"), let number = Int(name.dropFirst(5)),
                  SlideTaskModel.card(in: path.appendingPathComponent(name)) != nil else { return nil }
            return number
        }.sorted()
        guard !folds.isEmpty else { throw SlideTrainError.badModel(path: path.path, problem: "holds no task model (model.json or fold-<n>/)") }
        let chosen: [Int]
        switch selection {
        case .all: chosen = folds
        case .fold(let number):
            guard folds.contains(number) else { throw SlideTrainError.badModel(path: path.path, problem: "has no fold-\(number)") }
            chosen = [number]
        case .best:
            let url = path.appendingPathComponent("summary.json")
            guard let data = FileManager.default.contents(atPath: url.path),
                  let summary = try? JSONDecoder().decode(TaskTrainSummary.self, from: data), !summary.folds.isEmpty else {
                throw SlideTrainError.badModel(path: url.path, problem: "missing or unreadable; 'best' needs the run's summary")
            }
            var best = summary.folds[0]
            for fold in summary.folds.dropFirst() where (summary.measure(of: fold) ?? -1) > (summary.measure(of: best) ?? -1) { best = fold }
            chosen = [best.fold]
        }
        return try chosen.map { try SlideTaskModel.load(from: path.appendingPathComponent("fold-\($0)")) }
    }

    /// Bags of `slideIDs`: grouped by `caseIDs` (parallel; nil or empty = the slide alone), in first-seen order.
    public static func bags(slideIDs: [String], caseIDs: [String?]?) -> [(id: String, slides: [String])] {
        var order: [String] = [], slides: [String: [String]] = [:]
        for (index, slide) in slideIDs.enumerated() {
            let id = caseIDs?[index].flatMap { $0.isEmpty ? nil : $0 } ?? slide
            if slides[id] == nil { order.append(id) }
            slides[id, default: []].append(slide)
        }
        return order.map { ($0, slides[$0]!) }
    }

    /// Predicts every bag from `<featuresFolder>/<slide_id>.h5`.
    /// - Throws: `SlideListError.badSlideID`, `SlideTrainError` naming the first bad slide.
    public func predict(bags: [(id: String, slides: [String])], featuresFolder: URL) throws -> [TaskBagPrediction] {
        for (index, slide) in bags.flatMap(\.slides).enumerated() {
            try SlideID.validate(slide, source: featuresFolder.path, row: "slide \(index + 1)")
        }
        let task = card.milTask
        return try bags.map { bag in
            var rows: [Float] = [], members: [BagMember] = [], coordinates: [[PatchCoordinate]] = [], sizes: [Int?] = []
            for slide in bag.slides {
                let url = featuresFolder.appendingPathComponent(slide + ".h5")
                guard FileManager.default.fileExists(atPath: url.path) else { throw SlideTrainError.missingFeatures(slide: slide, path: url.path) }
                let file = try FeatureFile.read(from: url)
                let features = try SlideBagSet.checkedBag(file, slide: slide, expectedWidth: card.inputWidth, reference: "the model")
                rows += features.storage
                members.append(BagMember(slideID: slide, tiles: file.count))
                coordinates.append(file.coordinates)
                sizes.append(file.metadata?.patchSizeLevel0)
            }
            let features = Tensor(shape: [rows.count / card.inputWidth, card.inputWidth], storage: rows)
            var scores: [Double] = [], weights: [[Float]] = []
            for model in models {
                let output = try model.predict(features)
                let modelScores = task.scores(logits: Tensor(shape: [1, output.logits.count], storage: output.logits))[0]
                scores = scores.isEmpty ? modelScores.map { $0 / Double(models.count) } : zip(scores, modelScores).map { $0 + $1 / Double(models.count) }
                let scaled = output.weights.map { $0.map { $0 / Float(models.count) } }
                weights = weights.isEmpty ? scaled : zip(weights, scaled).map { zip($0, $1).map(+) }
            }
            guard scores.allSatisfy(\.isFinite), weights.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
                throw SlideTrainError.nonFinitePrediction(slide: bag.id, path: featuresFolder.path)
            }
            var attention: [[[Float]]] = [], start = 0
            for member in members {
                attention.append(weights.map { Array($0[start..<(start + member.tiles)]) })
                start += member.tiles
            }
            let predicted = card.task == .classification ? card.classes[MulticlassMetrics.predictedClasses(scores: [scores])[0]] : nil
            return TaskBagPrediction(bagID: bag.id, scores: scores, predictedLabel: predicted, members: members, attention: attention,
                                     coordinates: coordinates, patchSizes: sizes)
        }
    }

    /// Writes `predictions.csv` (first column `idColumn`) and one attention file per slide into `outputFolder`.
    public func write(_ predictions: [TaskBagPrediction], idColumn: String, to outputFolder: URL) throws {
        let layout = RunLayout(root: outputFolder.path)
        for prediction in predictions {
            for (index, member) in prediction.members.enumerated() {
                let branches = prediction.attention[index]
                var scores = HeatmapScores(coordinates: prediction.coordinates[index], attention: branches[0],
                                           patchSizeLevel0: prediction.patchSizes[index])
                if let predicted = prediction.predictedLabel, let c = card.classes.firstIndex(of: predicted) {
                    let perClass = branches.count == card.classes.count
                    scores.attention = perClass ? branches[c] : branches[0]
                    scores.probability = prediction.scores[c]
                    scores.classes = ClassScores(names: card.classes, probabilities: prediction.scores, predicted: predicted,
                                                 attention: perClass ? branches : nil)
                }
                try scores.write(to: layout.attentionFile(member.slideID))
            }
        }
        let header = card.task == .survival ? [idColumn, "risk", "tiles"]
            : [idColumn] + card.classes.map { OutputFiles.csvField("p_\($0)") } + ["predicted_label", "tiles"]
        var lines = [header.joined(separator: ",")]
        for prediction in predictions {
            let values = prediction.scores.map { String(format: "%.6f", $0) }
            let label = prediction.predictedLabel.map { [OutputFiles.csvField($0)] } ?? []
            let tiles = prediction.members.reduce(0) { $0 + $1.tiles }
            lines.append(([OutputFiles.csvField(prediction.bagID)] + values + label + ["\(tiles)"]).joined(separator: ","))
        }
        try OutputFiles.writeLines(lines, to: layout.predictionsCSV)
    }
}
