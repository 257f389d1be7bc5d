import Foundation
import MIL
import MILHeads
import NN
import Tensor
import XCTest

/// The new heads against torchmil (DSMIL, TransMIL) and a PyTorch CLAM-MB on the fixtures made
/// by `Tests/Fixtures/mil_heads/make_head_fixtures.py`: the reference `state_dict` loads by name,
/// and bag logits, instance weights and input gradients agree to 1e-4 absolute.
final class HeadTorchReferenceTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/mil_heads")
    private let tolerance: Float = 1e-4

    private func archive(_ name: String) throws -> SafeTensorsArchive {
        try SafeTensorsArchive.read(contentsOf: Self.fixtures.appendingPathComponent(name))
    }

    private func load(_ head: any BagHead, _ name: String) throws -> SafeTensorsArchive {
        try head.load(contentsOf: Self.fixtures.appendingPathComponent("\(name)_weights.safetensors"))
        return try archive("\(name)_io.safetensors")
    }

    /// Max |a − b|, failing on a shape mismatch; reported so the agreement can be quoted.
    private func assertClose(_ actual: [Float], _ expected: Tensor, _ what: String) {
        XCTAssertEqual(actual.count, expected.count, what)
        let error = zip(actual, expected.storage).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(error, tolerance, "\(what): max abs difference \(error)")
        print("torch reference \(what): max abs difference \(error)")
    }

    /// Runs every bag of the io file alone and as one padded batch; checks logits, weights of
    /// branch `branch` (or all branches when nil) and the input gradient.
    private func check(_ head: any BagHead, _ io: SafeTensorsArchive, name: String, extra: ((Int) throws -> Void)? = nil) throws {
        let count = Int(io.metadata["bags"] ?? "") ?? 0
        XCTAssertGreaterThan(count, 0)
        let inputs = try (0..<count).map { try io.tensor(named: "bag\($0).input") }
        for k in 0..<count {
            let batch = try BagBatch(bags: [inputs[k]])
            for parameter in head.parameters { parameter.zeroGradient() }
            let output = head.forward(batch, mode: .training)
            assertClose(output.logits.storage, try io.tensor(named: "bag\(k).logits"), "\(name) bag \(k) logits")
            assertClose(output.instanceWeights.storage, try io.tensor(named: "bag\(k).attention"), "\(name) bag \(k) attention")
            let upstream = try io.tensor(named: "bag\(k).upstream")
            let gradient = head.backward(upstream.reshaped([1, upstream.count]))
            assertClose(gradient.storage, try io.tensor(named: "bag\(k).input_grad"), "\(name) bag \(k) input gradient")
            try extra?(k)
        }
        // All bags padded into one batch give the same logits.
        let together = head.forward(try BagBatch(bags: inputs), mode: .inference).logits
        for k in 0..<count {
            let c = head.classCount
            assertClose(Array(together.storage[(k * c)..<((k + 1) * c)]), try io.tensor(named: "bag\(k).logits"), "\(name) bag \(k) logits in a padded batch")
        }
    }

    func testDSMILMatchesTorchmil() throws {
        var generator = SeededGenerator(seed: 1)
        let head = DualStreamMIL(inputWidth: 6, queryWidth: 4, classCount: 1, generator: &generator)
        let io = try load(head, "dsmil")
        try check(head, io, name: "DSMIL") { k in
            let streams = try XCTUnwrap(head.lastStreams)
            self.assertClose(streams.bag.storage, try io.tensor(named: "bag\(k).bag_logit"), "DSMIL bag \(k) bag stream")
            self.assertClose(streams.max.storage, try io.tensor(named: "bag\(k).max_logit"), "DSMIL bag \(k) max stream")
        }
    }

    func testTransMILMatchesTorchmil() throws {
        var generator = SeededGenerator(seed: 1)
        let head = TransMIL(inputWidth: 6, width: 16, layers: 2, heads: 4, generator: &generator)
        try check(head, try load(head, "transmil"), name: "TransMIL")
    }

    func testCLAMMultiBranchMatchesPyTorchReference() throws {
        var generator = SeededGenerator(seed: 1)
        let head = CLAMMultiBranch(inputWidth: 6, embeddingWidth: 8, attentionWidth: 5, classCount: 3, dropout: 0, generator: &generator)
        try check(head, try load(head, "clam_mb"), name: "CLAM-MB")
    }

    /// CLAM's instance clustering loss (label 1, k = 3) and its input gradient through the
    /// embedding, without and with the out-of-the-class (subtyping) terms.
    func testCLAMInstanceLossMatchesPyTorchReference() throws {
        var generator = SeededGenerator(seed: 1)
        let head = CLAMMultiBranch(inputWidth: 6, embeddingWidth: 8, attentionWidth: 5, classCount: 3, dropout: 0, generator: &generator)
        _ = try load(head, "clam_mb")
        let reference = try archive("clam_mb_instance_loss.safetensors")
        let batch = try BagBatch(bags: [try reference.tensor(named: "input")])
        for (key, subtyping) in [("in_class", false), ("subtyping", true)] {
            for parameter in head.parameters { parameter.zeroGradient() }
            _ = head.forward(batch, mode: .training)
            let (value, embeddingGradient) = head.instanceLoss(labels: [1], k: 3, subtyping: subtyping)
            assertClose([value], try reference.tensor(named: "\(key).loss"), "CLAM-MB \(key) instance loss")
            let gradient = head.backward(Tensor(shape: [1, 3]), embeddingGradient: embeddingGradient)
            assertClose(gradient.storage, try reference.tensor(named: "\(key).input_grad"), "CLAM-MB \(key) instance loss input gradient")
        }
    }

    /// A checkpoint of another shape names the file and every mismatch, and changes nothing.
    func testLoadingAMismatchedCheckpointFailsWithTheFileName() throws {
        var generator = SeededGenerator(seed: 1)
        let head = DualStreamMIL(inputWidth: 6, queryWidth: 5, classCount: 1, generator: &generator)
        let before = head.stateDictionary()
        XCTAssertThrowsError(try head.load(contentsOf: Self.fixtures.appendingPathComponent("dsmil_weights.safetensors"))) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("dsmil_weights.safetensors") && message.contains("q_nn.weight"), message)
        }
        XCTAssertEqual(head.stateDictionary(), before)
    }
}
