import NN
import Tensor

/// Per-dimension z-scoring of instance features, fitted on the training bags and saved with the model.
///
/// x'_j = (x_j − mean_j) · scale_j with scale_j = 1 / std_j, the statistics taken over every
/// instance of the training bags. Features from a randomly initialised or frozen CNN often sit
/// on very different scales per dimension (post-ReLU means well above zero, dead channels at 0);
/// standardising lets the attention and classifier layers start from comparable inputs.
/// Dimensions with a standard deviation below 1e-6 (constant features) get scale 1, so they stay
/// constant instead of blowing up. Buffers `input.mean` [D] and `input.scale` [D] are saved in
/// the model's state dictionary; before `fit` they are the identity (mean 0, scale 1).
public final class FeatureStandardization {
    public let mean: Buffer
    public let scale: Buffer

    /// The identity transform for `width`-wide features.
    public init(width: Int) {
        mean = Buffer(Tensor(shape: [width]))
        scale = Buffer(Tensor(shape: [width], storage: [Float](repeating: 1, count: width)))
    }

    /// Feature width D.
    public var width: Int { mean.value.count }

    /// `mean` and `scale` with their state-dictionary names.
    public var namedBuffers: [(name: String, buffer: Buffer)] { [("mean", mean), ("scale", scale)] }

    /// Sets the statistics from every instance of the bags at `indices`, reading one bag at a
    /// time; sums are kept in Double, so millions of instances lose no precision.
    /// - Throws: whatever `bags.bag(_:)` throws.
    public func fit<Bags: BagCollection>(on bags: Bags, indices: [Int]) throws {
        let d = width
        var sum = [Double](repeating: 0, count: d), sumOfSquares = [Double](repeating: 0, count: d)
        var count = 0
        // Shifting by the first instance keeps the one-pass variance accurate when |mean| ≫ std.
        var shift: [Double]?
        for index in indices {
            let features = try bags.bag(index)
            precondition(features.rank == 2 && features.shape[1] == d, "bag \(index) is not [n, \(d)]")
            let rows = features.shape[0]
            if shift == nil, rows > 0 { shift = (0..<d).map { Double(features.storage[$0]) } }
            guard let origin = shift else { continue }
            features.storage.withUnsafeBufferPointer { values in
                for row in 0..<rows {
                    for j in 0..<d {
                        let centred = Double(values[row * d + j]) - origin[j]
                        sum[j] += centred
                        sumOfSquares[j] += centred * centred
                    }
                }
            }
            count += rows
        }
        guard count > 0, let origin = shift else { return }
        for j in 0..<d {
            let centredMean = sum[j] / Double(count)
            let variance = max(0, sumOfSquares[j] / Double(count) - centredMean * centredMean)
            let std = variance.squareRoot()
            mean.value.storage[j] = Float(origin[j] + centredMean)
            scale.value.storage[j] = std < 1e-6 ? 1 : Float(1 / std)
        }
    }

    /// The batch with every instance standardised (padded rows are transformed too; pooling ignores them).
    public func forward(_ batch: BagBatch) -> BagBatch {
        precondition(batch.featureWidth == width, "FeatureStandardization expects \(width)-wide features, got \(batch.featureWidth)")
        var features = batch.features
        let d = width
        let mean = mean.value.storage, scale = scale.value.storage
        features.withUnsafeMutableBufferPointer { values in
            for start in stride(from: 0, to: values.count, by: d) {
                for j in 0..<d { values[start + j] = (values[start + j] - mean[j]) * scale[j] }
            }
        }
        return BagBatch(features: features, mask: batch.mask)
    }

    /// dLoss/dInput from dLoss/dOutput, both [B, Nmax, D]: each dimension times its scale.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        var gradient = outputGradient
        let d = width
        let scale = scale.value.storage
        gradient.withUnsafeMutableBufferPointer { values in
            for start in stride(from: 0, to: values.count, by: d) {
                for j in 0..<d { values[start + j] *= scale[j] }
            }
        }
        return gradient
    }
}
