import MIL
import MILHeads
import NN
import Tensor

/// Small instances of every `BagHead` and the scalar their gradient tests differentiate.
enum BagHeadFixtures {
    static let width = PoolingFixtures.width

    /// Every head, small enough for finite differences, with dropout off.
    static func heads(seed: UInt64 = 13) -> [(name: String, head: any BagHead)] {
        var generator = SeededGenerator(seed: seed)
        return [
            ("CLAM-MB", CLAMMultiBranch(inputWidth: width, embeddingWidth: 5, attentionWidth: 3, classCount: 3, dropout: 0, generator: &generator)),
            ("DSMIL binary", DualStreamMIL(inputWidth: width, queryWidth: 3, classCount: 1, generator: &generator)),
            ("DSMIL 3 classes", DualStreamMIL(inputWidth: width, queryWidth: 3, classCount: 3, generator: &generator)),
            ("gated attention + linear", PooledBagHead(pooling: GatedAttentionPooling(inputWidth: width, hiddenWidth: 3, generator: &generator),
                                                       inputWidth: width, classCount: 2, generator: &generator)),
        ]
    }

    /// Heads that see instance order by design (TransMIL's PPEG), so only masking applies.
    static func orderDependentHeads(seed: UInt64 = 17) -> [(name: String, head: any BagHead)] {
        var generator = SeededGenerator(seed: seed)
        return [("TransMIL", TransMIL(inputWidth: width, width: 8, layers: 3, heads: 2, landmarks: 4, classCount: 2, generator: &generator))]
    }

    /// Every head.
    static func allHeads() -> [(name: String, head: any BagHead)] { heads() + orderDependentHeads() }

    /// Σ logits ⊙ R for a fixed R.
    static func objective(_ head: any BagHead, _ batch: BagBatch, _ r: Tensor) -> Float {
        let logits = head.forward(batch, mode: .inference).logits
        return zip(logits.storage, r.storage).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
