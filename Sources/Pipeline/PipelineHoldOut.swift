import Store
import TrainStage

/// Which labelled slides a pipeline run trains on and which it holds out for prediction.
public enum PipelineHoldOut {
    /// Splits `table`: when any row has split `test`, those rows are held out and the others
    /// trained on (their `train`/`val` splits then define the training fold); otherwise a
    /// stratified, seeded `fraction` of each class is held out (`SlideFoldPlan.holdOut`, which
    /// keeps at least one slide of each class in training). Both lists keep the file's order.
    /// - Throws: `SlideTrainError.notBinary` with fewer than two classes;
    ///   `PipelineError.tooFewSlides` when `fraction` > 0 yet nothing could be held out.
    public static func split(_ table: SlideLabelTable, fraction: Double, seed: UInt64,
                             source: String) throws -> (training: [SlideLabel], heldOut: [SlideLabel]) {
        if table.entries.contains(where: { $0.split?.lowercased() == "test" }) {
            return (table.entries.filter { $0.split?.lowercased() != "test" }, table.entries.filter { $0.split?.lowercased() == "test" })
        }
        guard fraction > 0 else { return (table.entries, []) }
        let fold: SlideFold
        if table.classes.count > 2 {
            let classes = table.classes
            fold = SlideFoldPlan.holdOut(strata: table.entries.map { classes.firstIndex(of: $0.label)! }, validationFraction: fraction, seed: seed)
        } else {
            let mapping = try SlideLabelMapping.infer(classes: table.classes, positive: nil)
            fold = SlideFoldPlan.holdOut(labels: table.entries.map { $0.label == mapping.positive }, validationFraction: fraction, seed: seed)
        }
        guard !fold.validation.isEmpty else {
            throw PipelineError.tooFewSlides(labels: source, problem: "\(table.entries.count) slides leave none to hold out at fraction \(fraction)")
        }
        return (fold.training.sorted().map { table.entries[$0] }, fold.validation.sorted().map { table.entries[$0] })
    }
}
