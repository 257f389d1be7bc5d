import Foundation
import MIL
import MILHeads
import MILTasks
import MNISTBags
import NN
import RunSupport
import Store
import Tensor

/// The four-class task of `slidemil mnist` (`bags.task: two_digits`): which of `targetDigit`
/// and `secondDigit` a bag holds (neither / first / second / both; `TwoDigitBagSampler`, classes
/// balanced by construction). The head is `model.pooling` followed by a linear four-way classifier
/// (`PooledBagHead`), trained on softmax cross-entropy (`MulticlassObjective`) by `MILTrainer`, as
/// `slidemil train` trains multi-class heads. Writes `mil.safetensors` and `predictions.csv`.
enum MNISTTwoDigitMIL {
    /// Class names in logit order (`TwoDigitClass` order).
    static let classes = TwoDigitClass.allCases.map { "\($0)" }

    static func run(_ context: MNISTMILContext) throws -> MNISTBagsMetrics {
        let config = context.config
        let sampler = TwoDigitBagSampler(firstDigit: config.bags.targetDigit, secondDigit: config.bags.secondDigit,
                                         sizes: context.sizes, reuseAcrossBags: config.bags.reuseAcrossBags)
        let (trainingBags, testBags) = try context.drawBags { try sampler.sample(count: $0, labels: $1, using: &$2) }
        let trainingFeatures = MNISTMILContext.gather(trainingBags.map(\.instances), features: context.features.train)
        let testSet = TaskBags(features: MNISTMILContext.gather(testBags.map(\.instances), features: context.features.test),
                               targets: testBags.map { .classIndex($0.label.rawValue) })
        context.log("bags: \(trainingBags.count) train, \(testBags.count) test, classes \(classes.joined(separator: "/")) "
                    + "of digits \(config.bags.targetDigit) and \(config.bags.secondDigit)")

        let split = context.validationSplit(count: trainingBags.count)
        let trainingSet = TaskBags(features: trainingFeatures, targets: trainingBags.map { .classIndex($0.label.rawValue) })
        let width = context.features.train.shape[1]
        var generator = SeededGenerator(seed: config.seed &+ 303)
        let pooling = config.model.makePooling(inputWidth: width, generator: &generator)
        let head = PooledBagHead(pooling: pooling, inputWidth: width, classCount: classes.count, generator: &generator)
        let task = MILTask.multiclass(classCount: classes.count, classWeights: nil)
        let trainer = MILTrainer(objective: task.objective, options: config.training)
        let history = try trainer.train(head, on: trainingSet, training: split.training, validation: split.validation) { record in
            context.log(String(format: "MIL epoch %d: train loss %.4f", record.epoch, record.trainingLoss)
                + (record.validationLoss.map { String(format: ", validation loss %.4f", $0) } ?? "")
                + (record.validation?.measure.map { String(format: ", macro AUC %.4f", $0) } ?? ""))
        }
        let evaluation = TaskEvaluation(try trainer.outputs(head, on: testSet, indices: Array(0..<testSet.count)), task: task)

        let actual = testBags.map(\.label.rawValue)
        let predicted = MulticlassMetrics.predictedClasses(scores: evaluation.scores)
        let confusion = MulticlassConfusionMatrix(predicted: predicted, actual: actual, classCount: classes.count)
        let trainingCounts = (0..<classes.count).map { c in trainingBags.filter { $0.label.rawValue == c }.count }
        let majority = trainingCounts.indices.max { trainingCounts[$0] < trainingCounts[$1] }!
        var metrics = MNISTBagsMetrics(
            task: .twoDigits, featureWidth: width, trainingBags: trainingBags.count, testBags: testBags.count,
            majorityBaselineAccuracy: Double(actual.filter { $0 == majority }.count) / Double(actual.count),
            milHistory: history.map { MNISTMILEpoch(epoch: $0.epoch, trainingLoss: $0.trainingLoss, validationLoss: $0.validationLoss,
                                                    validationAccuracy: nil, validationAUC: $0.validation?.measure) },
            testLoss: evaluation.loss, testAccuracy: confusion.accuracy ?? 0, testBalancedAccuracy: confusion.balancedAccuracy)
        metrics.classes = classes
        metrics.testMacroAUC = evaluation.measure
        metrics.testPerClassAUC = MulticlassMetrics.perClassAUC(scores: evaluation.scores, labels: actual, classCount: classes.count)
        metrics.classConfusion = confusion

        try SafeTensorsArchive.write(head.stateDictionary(), metadata: ["pooling": config.model.pooling.rawValue, "classifier": "linear",
                                                                        "classes": classes.joined(separator: ",")],
                                     to: context.file("mil.safetensors"))
        try AtomicFile.write(Data(predictionsCSV(bags: testBags, evaluation: evaluation, predicted: predicted, labels: context.test.labels).utf8),
                             to: context.file("predictions.csv"))
        return metrics
    }

    /// One row per test bag: `bag,label,predicted,p_<class>…,size,instances,digits,weights`, the
    /// last three `;`-separated in the bag's instance order (image indices in MNIST test).
    static func predictionsCSV(bags: [ClassifiedDigitBag], evaluation: TaskEvaluation, predicted: [Int], labels: [UInt8]) -> String {
        var lines = [(["bag", "label", "predicted"] + classes.map { "p_\($0)" } + ["size", "instances", "digits", "weights"]).joined(separator: ",")]
        for (index, bag) in bags.enumerated() {
            let fields: [String] = [String(index), classes[bag.label.rawValue], classes[predicted[index]]]
                + evaluation.scores[index].map { String($0) }
                + [String(bag.instances.count), bag.instances.map(String.init).joined(separator: ";"),
                   bag.instances.map { String(labels[$0]) }.joined(separator: ";"),
                   evaluation.instanceWeights[index][0].map { String($0) }.joined(separator: ";")]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
