import Foundation
import MIL
import MNISTBags
import NN
import RunSupport
import Store
import Tensor

/// The target-digit task of `slidemil mnist`: a bag is positive iff it holds `bags.targetDigit`.
/// Trains `config.model` with `MILTrainer` on `BinaryObjective` (as `slidemil train` does) and writes
/// `mil.safetensors`, `predictions.csv` and `attention.png`.
enum MNISTBinaryMIL {
    static func run(_ context: MNISTMILContext) throws -> MNISTBagsMetrics {
        let config = context.config
        let sampler = BagSampler(targetDigit: config.bags.targetDigit, sizes: context.sizes,
                                 reuseAcrossBags: config.bags.reuseAcrossBags, balanced: config.bags.balanced)
        let (trainingBags, testBags) = try context.drawBags { try sampler.sample(count: $0, labels: $1, using: &$2) }
        let trainingSet = LabelledBags(features: MNISTMILContext.gather(trainingBags.map(\.instances), features: context.features.train),
                                       labels: trainingBags.map(\.isPositive))
        let testSet = LabelledBags(features: MNISTMILContext.gather(testBags.map(\.instances), features: context.features.test),
                                   labels: testBags.map(\.isPositive))
        let trainingPositiveRate = Double(trainingBags.filter(\.isPositive).count) / Double(trainingBags.count)
        let testPositiveRate = Double(testBags.filter(\.isPositive).count) / Double(testBags.count)
        context.log(String(format: "bags: %d train (%.1f%% positive), %d test (%.1f%% positive), target digit %d",
                           trainingBags.count, 100 * trainingPositiveRate, testBags.count, 100 * testPositiveRate, Int(config.bags.targetDigit)))

        let model = config.model.makeModel(inputWidth: context.features.train.shape[1], seed: config.seed &+ 303)
        let trainer = MILTrainer(objective: BinaryObjective(), options: config.training)
        let split = context.validationSplit(count: trainingSet.count)
        let history = try trainer.train(model, on: trainingSet, training: split.training, validation: split.validation) { record in
            context.log(String(format: "MIL epoch %d: train loss %.4f", record.epoch, record.trainingLoss)
                + (record.validationLoss.map { String(format: ", validation loss %.4f", $0) } ?? "")
                + (record.validation?.accuracy.map { String(format: ", accuracy %.4f", $0) } ?? ""))
        }
        let evaluation = try trainer.evaluate(model, on: testSet)

        var hits = 0, positives = 0
        for (bag, prediction) in zip(testBags, evaluation.predictions) where bag.isPositive {
            positives += 1
            if context.test.labels[bag.instances[prediction.topInstance]] == config.bags.targetDigit { hits += 1 }
        }
        let confusion = evaluation.confusion
        var metrics = MNISTBagsMetrics(
            task: .targetDigit, featureWidth: context.features.train.shape[1], trainingBags: trainingBags.count, testBags: testBags.count,
            majorityBaselineAccuracy: trainingPositiveRate >= 0.5 ? testPositiveRate : 1 - testPositiveRate,
            milHistory: history.map { MNISTMILEpoch(epoch: $0.epoch, trainingLoss: $0.trainingLoss, validationLoss: $0.validationLoss,
                                                    validationAccuracy: $0.validation?.accuracy, validationAUC: $0.validation?.auc) },
            testLoss: evaluation.loss, testAccuracy: confusion.accuracy ?? 0, testBalancedAccuracy: confusion.balancedAccuracy)
        metrics.trainingPositiveRate = trainingPositiveRate
        metrics.testPositiveRate = testPositiveRate
        metrics.testAUC = evaluation.auc
        metrics.confusion = confusion
        metrics.topInstanceTargetRate = positives > 0 ? Double(hits) / Double(positives) : nil

        try SafeTensorsArchive.write(model.stateDictionary(), metadata: ["pooling": config.model.pooling.rawValue,
                                                                         "classifier": config.model.classifier.rawValue],
                                     to: context.file("mil.safetensors"))
        try AtomicFile.write(Data(MNISTBagsReport.predictionsCSV(bags: testBags, predictions: evaluation.predictions, labels: context.test.labels).utf8),
                             to: context.file("predictions.csv"))
        if config.figure.bags > 0 {
            let figure = MNISTBagsReport.figure(bags: testBags, predictions: evaluation.predictions, images: context.test.images,
                                                labels: context.test.labels, targetDigit: config.bags.targetDigit, count: config.figure.bags)
            try OutputFiles.writePNG(figure, to: context.file("attention.png"))
        }
        return metrics
    }
}
