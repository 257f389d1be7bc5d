import Foundation
import MIL
import MILHeads
import MILTasks
import NN
import RunSupport
import Store
import Tensor

/// Everything needed to rebuild a multi-class, case-bag or survival model, stored as
/// `model.json` beside `model.safetensors` (format `slidemil-mil-task-model`).
public struct SlideTaskModelCard: Codable, Equatable, Sendable {
    public var format = SlideTaskModelCard.formatName
    public var version = 1
    /// Instance feature width D.
    public var inputWidth: Int
    public var task: TrainTask
    public var head: TaskHeadKind
    /// Pooling kind, widths, dropout and standardisation (see `SlideTaskModel.make`).
    public var model: MILModelConfiguration
    /// Class names, index = logit (classification); empty for survival.
    public var classes: [String]
    /// Survival loss, and the NLL's bin edges fitted on the training bags.
    public var survivalLoss: SurvivalLossChoice?
    public var survivalBinEdges: [Double]?
    public var fold: Int

    public static let formatName = "slidemil-mil-task-model"

    public init(inputWidth: Int, task: TrainTask, head: TaskHeadKind, model: MILModelConfiguration, classes: [String],
                milTask: MILTask, fold: Int) {
        self.inputWidth = inputWidth
        self.task = task
        self.head = head
        self.model = model
        self.classes = classes
        self.fold = fold
        switch milTask {
        case .survival(.cox): survivalLoss = .cox
        case .survival(.discreteTime(let bins, _)): survivalLoss = .nll; survivalBinEdges = bins.edges
        default: break
        }
    }

    /// Logits per bag: C classes, K bins or one Cox risk.
    public var outputCount: Int {
        switch task {
        case .classification: return classes.count
        case .survival: return survivalLoss == .cox ? 1 : max(1, (survivalBinEdges?.count ?? 2) - 1)
        }
    }

    /// The task for scoring (weights and α do not change scores).
    public var milTask: MILTask {
        switch task {
        case .classification: return .multiclass(classCount: classes.count, classWeights: nil)
        case .survival:
            if survivalLoss == .cox { return .survival(.cox) }
            return .survival(.discreteTime(bins: SurvivalBins(edges: survivalBinEdges ?? [0, 1]), alpha: 0))
        }
    }
}

/// A bag head behind optional per-dimension feature standardisation (fitted on the training
/// tiles). The head itself is trained by `MILTrainer` on standardised bags, so head-specific
/// training (DSMIL's two streams, CLAM-MB's instance loss) sees the head directly.
/// Saved tensors: the head's own `state_dict` names, plus `input.mean` and `input.scale`.
public final class SlideTaskModel {
    public let standardization: FeatureStandardization?
    public let head: any BagHead

    public init(standardization: FeatureStandardization?, head: any BagHead) {
        self.standardization = standardization
        self.head = head
    }

    /// A freshly initialised model of `card`'s head; same seed, same weights.
    /// CLAM-MB and TransMIL use `model.embeddingWidth` as their width (512 when 0), DSMIL
    /// `model.attentionHidden` as its query width; the pooled head uses `model.pooling`.
    public static func make(_ card: SlideTaskModelCard, seed: UInt64) -> SlideTaskModel {
        var generator = SeededGenerator(seed: seed)
        let width = card.model.embeddingWidth > 0 ? card.model.embeddingWidth : 512
        let outputs = card.outputCount, d = card.inputWidth
        let head: any BagHead
        switch card.head {
        case .pooled:
            var configuration = card.model
            configuration.embeddingWidth = 0
            configuration.instanceClassifiers = false
            let pooling = configuration.makeModel(inputWidth: d, seed: seed).pooling
            head = PooledBagHead(pooling: pooling, inputWidth: d, classCount: outputs, generator: &generator)
        case .clamMB:
            head = CLAMMultiBranch(inputWidth: d, embeddingWidth: width, attentionWidth: card.model.attentionHidden,
                                   classCount: max(2, outputs), dropout: card.model.dropout, generator: &generator)
        case .dsmil:
            head = DualStreamMIL(inputWidth: d, queryWidth: card.model.attentionHidden, classCount: outputs, generator: &generator)
        case .transmil:
            head = TransMIL(inputWidth: d, width: width, classCount: outputs, generator: &generator)
        }
        return SlideTaskModel(standardization: card.model.standardizeFeatures ? FeatureStandardization(width: d) : nil, head: head)
    }

    /// `bag` [n, D] standardised (itself without standardisation).
    public func prepared(_ bag: Tensor) -> Tensor {
        guard let standardization else { return bag }
        let batch = BagBatch(features: bag.reshaped([1, bag.shape[0], bag.shape[1]]), mask: [Bool](repeating: true, count: bag.shape[0]))
        return standardization.forward(batch).features.reshaped(bag.shape)
    }

    /// Head logits [C] and instance weights [branches][n] of one bag in inference mode.
    public func predict(_ bag: Tensor) throws -> (logits: [Float], weights: [[Float]]) {
        let batch = try BagBatch(bags: [prepared(bag)])
        let output = head.forward(batch, mode: .inference)
        let n = bag.shape[0], branches = output.instanceWeights.shape[1]
        return (Array(output.logits.storage), (0..<branches).map { Array(output.instanceWeights.storage[($0 * n)..<(($0 + 1) * n)]) })
    }

    /// Parameters and buffers by name.
    public func stateDictionary() -> [String: Tensor] {
        var state = head.stateDictionary()
        for (name, buffer) in standardization?.namedBuffers ?? [] { state["input.\(name)"] = buffer.value }
        return state
    }

    /// Writes `model.safetensors` and `model.json` atomically into `folder`.
    public func save(card: SlideTaskModelCard, to folder: URL) throws {
        try AtomicFile.write(to: folder.appendingPathComponent("model.safetensors")) { temporary in
            try SafeTensorsArchive.write(stateDictionary(), metadata: ["format": card.format], to: temporary)
        }
        try OutputFiles.writeJSON(card, to: folder.appendingPathComponent("model.json"))
    }

    /// The card of a model folder when it holds a task model, nil for any other `model.json`.
    public static func card(in folder: URL) -> SlideTaskModelCard? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("model.json").path),
              let card = try? JSONDecoder().decode(SlideTaskModelCard.self, from: data), card.format == SlideTaskModelCard.formatName else { return nil }
        return card
    }

    /// Rebuilds the model of a folder written by `save`.
    /// - Throws: `SlideTrainError.badModel` for a missing card or weights that do not fit it.
    public static func load(from folder: URL) throws -> (model: SlideTaskModel, card: SlideTaskModelCard) {
        guard let card = card(in: folder), card.inputWidth > 0 else {
            throw SlideTrainError.badModel(path: folder.appendingPathComponent("model.json").path, problem: "missing or not a task model description")
        }
        let model = make(card, seed: 0)
        let url = folder.appendingPathComponent("model.safetensors")
        let buffers = (model.standardization?.namedBuffers ?? []).map { ("input.\($0.name)", $0.buffer) }
        var expected = Dictionary(uniqueKeysWithValues: model.head.namedParameters.map { ($0.name, $0.parameter.value.shape) })
        for (name, buffer) in buffers { expected[name] = buffer.value.shape }
        let state: StateDictionary
        do {
            state = try StateDictionary(contentsOf: url, expected: expected)
        } catch {
            throw SlideTrainError.badModel(path: url.path, problem: "weights do not fit model.json (\(error))")
        }
        for (name, buffer) in buffers { buffer.value = state[name]! }
        for (name, parameter) in model.head.namedParameters { parameter.value = state[name]! }
        return (model, card)
    }
}
