import Heatmap
import MIL
import MNISTBags
import Raster

/// The per-bag outputs of `slidemil mnist`: the predictions table and the attention figure.
enum MNISTBagsReport {
    /// One row per test bag: `bag,label,probability,predicted,size,instances,digits,weights`, the
    /// last three `;`-separated in the bag's instance order (image indices in MNIST test).
    static func predictionsCSV(bags: [DigitBag], predictions: [BagPrediction], labels: [UInt8]) -> String {
        var lines = ["bag,label,probability,predicted,size,instances,digits,weights"]
        for (index, (bag, prediction)) in zip(bags, predictions).enumerated() {
            let fields: [String] = [
                String(index), bag.isPositive ? "1" : "0", String(prediction.probability),
                prediction.predictedPositive ? "1" : "0", String(bag.instances.count),
                bag.instances.map(String.init).joined(separator: ";"),
                bag.instances.map { String(labels[$0]) }.joined(separator: ";"),
                prediction.instanceWeights.map { String($0) }.joined(separator: ";"),
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let scale = 2
    static let cell = 28 * scale
    static let gap = 6
    static let barHeight = 24
    static let rowHeight = cell + 4 + barHeight + 12
    static let margin = 12

    /// A few test bags, one per row (positives first, then negatives): each digit, and under it a
    /// bar whose height is the instance's weight (full height = 1) coloured by viridis of the weight
    /// relative to the bag's largest. A red frame marks images of the target digit; the strip at
    /// the left is red for positive bags and grey for negative ones; the strip at the right is
    /// the predicted probability (full height = 1).
    static func figure(bags: [DigitBag], predictions: [BagPrediction], images: IDXImages, labels: [UInt8], targetDigit: UInt8, count: Int) -> RGBImage {
        let positives = bags.indices.filter { bags[$0].isPositive }
        let negatives = bags.indices.filter { !bags[$0].isPositive }
        let half = min(count / 2 + count % 2, positives.count)
        let chosen = Array(positives.prefix(half)) + Array(negatives.prefix(count - half))
        let longest = chosen.map { bags[$0].instances.count }.max() ?? 1
        let width = 2 * margin + 10 + longest * (cell + gap) + 10
        let height = 2 * margin + max(1, chosen.count) * rowHeight
        var image = RGBImage(width: width, height: height, fill: (255, 255, 255))
        for (row, bagIndex) in chosen.enumerated() {
            let bag = bags[bagIndex], prediction = predictions[bagIndex]
            let top = margin + row * rowHeight
            fill(&image, x: margin, y: top, width: 6, height: cell, color: bag.isPositive ? [200, 30, 30] : [160, 160, 160])
            let largest = prediction.instanceWeights.max() ?? 1
            for (slot, instance) in bag.instances.enumerated() {
                let left = margin + 10 + slot * (cell + gap)
                drawDigit(&image, images.image(instance), x: left, y: top)
                if labels[instance] == targetDigit {
                    frame(&image, x: left - 2, y: top - 2, width: cell + 4, height: cell + 4, color: [220, 30, 30])
                }
                let weight = prediction.instanceWeights[slot]
                let bar = max(1, Int((Float(barHeight) * weight).rounded()))
                let color = Colormap.viridis.color(at: largest > 0 ? weight / largest : 0)
                fill(&image, x: left, y: top + cell + 4 + barHeight - bar, width: cell, height: bar, color: [color.red, color.green, color.blue])
            }
            let probabilityBar = max(1, Int((Float(cell) * prediction.probability).rounded()))
            fill(&image, x: width - margin - 6, y: top + cell - probabilityBar, width: 6, height: probabilityBar, color: [30, 90, 200])
        }
        return image
    }

    private static func drawDigit(_ image: inout RGBImage, _ pixels: ArraySlice<UInt8>, x: Int, y: Int) {
        let base = pixels.startIndex
        for row in 0..<cell {
            for column in 0..<cell {
                let value = 255 - pixels[base + (row / scale) * 28 + column / scale]
                image[x + column, y + row] = (value, value, value)
            }
        }
    }

    private static func fill(_ image: inout RGBImage, x: Int, y: Int, width: Int, height: Int, color: [UInt8]) {
        for row in max(0, y)..<min(image.height, y + height) {
            for column in max(0, x)..<min(image.width, x + width) { image[column, row] = (color[0], color[1], color[2]) }
        }
    }

    private static func frame(_ image: inout RGBImage, x: Int, y: Int, width: Int, height: Int, color: [UInt8]) {
        fill(&image, x: x, y: y, width: width, height: 2, color: color)
        fill(&image, x: x, y: y + height - 2, width: width, height: 2, color: color)
        fill(&image, x: x, y: y, width: 2, height: height, color: color)
        fill(&image, x: x + width - 2, y: y, width: 2, height: height, color: color)
    }
}
