import MNISTBags
import Tensor

/// MNIST images as network input: [N, 1, 28, 28] with pixel/255 normalised by the usual MNIST
/// mean 0.1307 and standard deviation 0.3081 (no resize).
enum MNISTImages {
    static let mean: Float = 0.1307
    static let standardDeviation: Float = 0.3081

    static func batch(_ images: IDXImages, indices: some Collection<Int>) -> Tensor {
        let plane = images.rows * images.columns
        var storage = [Float](repeating: 0, count: indices.count * plane)
        for (slot, index) in indices.enumerated() {
            let pixels = images.image(index)
            var offset = slot * plane
            for pixel in pixels {
                storage[offset] = (Float(pixel) / 255 - mean) / standardDeviation
                offset += 1
            }
        }
        return Tensor(shape: [indices.count, 1, images.rows, images.columns], storage: storage)
    }
}
