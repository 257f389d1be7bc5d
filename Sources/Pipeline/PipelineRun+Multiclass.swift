import Foundation
import MILTasks
import PredictStage
import Store
import TrainStage

extension PipelineRun {
    /// Cross-validates the multi-class model (`SlideTaskTrainPipeline`) on the training slides;
    /// returns its summary and the feature width.
    func trainMulticlass(_ training: [SlideLabel], log: @escaping (String) -> Void) throws -> (TaskTrainSummary, Int) {
        var table = CSVTable(header: ["slide_id", "label", "split"])
        table.rows = training.map { [$0.slideID, $0.label, $0.split ?? ""] }
        let columns = try TaskLabelColumns(table: table, task: .classification, source: layout.trainingLabels)
        let data = try TaskBagSet.load(labels: table, source: layout.trainingLabels, columns: columns,
                                       featuresFolder: URL(fileURLWithPath: layout.features))
        let summary = try SlideTaskTrainPipeline(settings: config.train, data: data, outputDirectory: URL(fileURLWithPath: layout.model),
                                                 log: log).run()
        return (summary, data.featureWidth)
    }

    /// Predicts the held-out slides with the multi-class fold models and fills the report:
    /// macro one-vs-rest AUC and accuracy of the most probable class.
    func predictMulticlass(_ heldOut: [SlideLabel], models: [(model: SlideTaskModel, card: SlideTaskModelCard)],
                           into report: inout PipelineReport) throws {
        let pipeline = try SlideTaskPredictPipeline(models: models)
        let classes = pipeline.card.classes
        let predictions = try pipeline.predict(bags: SlideTaskPredictPipeline.bags(slideIDs: heldOut.map(\.slideID), caseIDs: nil),
                                               featuresFolder: URL(fileURLWithPath: layout.features))
        try pipeline.write(predictions, idColumn: "slide_id", to: URL(fileURLWithPath: layout.predictions))
        report.predictions = zip(heldOut, predictions).map { entry, prediction in
            let predicted = prediction.predictedLabel ?? ""
            return PipelineReport.HeldOutPrediction(slideID: entry.slideID, label: entry.label,
                                                    probability: Float(prediction.scores[classes.firstIndex(of: predicted) ?? 0]),
                                                    predictedLabel: predicted)
        }
        // A held-out label the training slides never had scores as no class (left out of the AUC).
        let known = zip(heldOut, predictions).filter { classes.contains($0.0.label) }
        report.heldOutAUC = MulticlassMetrics.macroAUC(scores: known.map { $0.1.scores }, labels: known.map { classes.firstIndex(of: $0.0.label)! },
                                                       classCount: classes.count)
        report.heldOutAccuracy = Double(report.predictions.filter { $0.label == $0.predictedLabel }.count) / Double(heldOut.count)
    }
}
