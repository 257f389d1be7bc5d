import MIL
import NN
import Tensor

/// Small random inputs and heads shared by the pooling tests.
enum PoolingFixtures {
    static let width = 4

    /// A small configuration of every head so finite differences stay cheap.
    static func configuration(_ kind: PoolingKind, classifier: ClassifierKind = .logistic) -> MILModelConfiguration {
        MILModelConfiguration(pooling: kind, classifier: classifier, attentionHidden: 3, noisyAndChannels: 3,
                              noisyAndSlope: 4, classifierHidden: 5, dropout: 0)
    }

    static func pooling(_ kind: PoolingKind, seed: UInt64 = 7) -> any MILPooling {
        configuration(kind).makeModel(inputWidth: width, seed: seed).pooling
    }

    static func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.normal([rows, columns], generator: &generator)
    }

    /// Two bags in a [2, 5, D] batch: bag 0 has real instances at rows 0, 2, 3; bag 1 at row 1 and
    /// 4. Padded rows hold large garbage to prove they are ignored.
    static func scatteredBatch(seed: UInt64 = 3) -> BagBatch {
        var features = randomMatrix(rows: 10, columns: width, seed: seed).reshaped([2, 5, width])
        let mask = [true, false, true, true, false, false, true, false, false, true]
        for (row, real) in mask.enumerated() where !real {
            for j in 0..<width { features.storage[row * width + j] = 1000 + Float(row * width + j) }
        }
        return BagBatch(features: features, mask: mask)
    }

    /// Σ pooled ⊙ R for a fixed R, the scalar the gradient tests differentiate.
    static func projection(rows: Int, columns: Int) -> Tensor {
        randomMatrix(rows: rows, columns: columns, seed: 99)
    }

    static func objective(_ pooling: any MILPooling, _ batch: BagBatch, _ r: Tensor) -> Float {
        let pooled = pooling.forward(batch, mode: .inference).pooled
        return zip(pooled.storage, r.storage).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
