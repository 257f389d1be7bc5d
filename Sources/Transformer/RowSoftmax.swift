import NN
import Tensor

/// Softmax along each row of a row-major matrix, in place: the attention weights of a transformer.
///
/// Each row is shifted by its maximum before exponentiation, so rows of large logits neither
/// overflow nor lose precision; a row of equal values becomes uniform.
public enum RowSoftmax {
    /// Replaces each of `rows` rows of `columns` values (consecutive rows `stride` apart) by its
    /// softmax.
    /// - Complexity: O(rows · columns), vectorised 16 lanes wide.
    public static func apply(_ data: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
        let lanes = VectorMath.Vector.scalarCount
        for row in 0..<rows {
            let values = data + row * stride
            var maximum = -Float.infinity
            var index = 0
            if columns >= lanes {
                var vectorMaximum = VectorMath.load(values)
                index = lanes
                while index + lanes <= columns {
                    vectorMaximum = VectorMath.maximum(vectorMaximum, VectorMath.load(values + index))
                    index += lanes
                }
                maximum = vectorMaximum.max()
            }
            while index < columns {
                maximum = max(maximum, values[index])
                index += 1
            }
            let shift = VectorMath.Vector(repeating: maximum)
            var vectorSum = VectorMath.Vector()
            index = 0
            while index + lanes <= columns {
                let e = VectorMath.exp(VectorMath.load(values + index) - shift)
                VectorMath.store(e, values + index)
                vectorSum += e
                index += lanes
            }
            var sum = vectorSum.sum()
            while index < columns {
                let e = VectorMath.exp(values[index] - maximum)
                values[index] = e
                sum += e
                index += 1
            }
            let scale = 1 / sum
            VectorMath.transform(values, count: columns, vector: { $0 * scale }, scalar: { $0 * scale })
        }
    }

    /// The row softmax of a rank-2 tensor (a convenience for tests and small inputs).
    public static func applied(to input: Tensor) -> Tensor {
        precondition(input.rank == 2, "RowSoftmax needs a rank-2 tensor, got \(input.shape)")
        var output = input
        guard input.count > 0 else { return output }
        output.withUnsafeMutableBufferPointer { buffer in
            apply(buffer.baseAddress!, rows: input.shape[0], columns: input.shape[1], stride: input.shape[1])
        }
        return output
    }
}
