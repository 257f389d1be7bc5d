import Heatmap
import MIL
import Raster

/// Draws the training curves of every fold into one RGB image: on the left panel the training
/// (solid) and validation (dotted) loss against the epoch, scaled to the largest loss; on the
/// right panel the validation measure (AUC, macro AUC or c-index) on a fixed 0-1 axis. Each fold
/// gets its own colour, named in a legend; both panels carry a title and their axis ranges.
enum SlideTrainCurvePlot {
    /// One fold's curves, one value per epoch.
    struct FoldCurves {
        var fold: Int
        var training: [Float]
        var validation: [Float?]
        var measure: [Double?]
    }

    static let panelWidth = 320, height = 260
    static let leftMargin = 34, rightMargin = 10, topMargin = 24, bottomMargin = 26

    static let palette: [[UInt8]] = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
                                     [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]]

    static func render(_ folds: [SlideFoldMetrics]) -> RGBImage {
        render(folds.map { fold in
            FoldCurves(fold: fold.fold, training: fold.epochs.map(\.trainingLoss), validation: fold.epochs.map(\.validationLoss),
                       measure: fold.epochs.map { $0.validation?.auc })
        }, measureTitle: "VALIDATION AUC")
    }

    static func render(_ folds: [FoldCurves], measureTitle: String) -> RGBImage {
        var image = RGBImage(width: 2 * panelWidth, height: height, fill: (255, 255, 255))
        let epochs = max(2, folds.map(\.training.count).max() ?? 2)
        let losses = folds.flatMap { $0.training + $0.validation.compactMap { $0 } }
        let lossTop = Double(max(losses.filter(\.isFinite).max() ?? 1, 1e-6))
        let bottom = height - bottomMargin, plotHeight = height - topMargin - bottomMargin
        let titles = ["LOSS: SOLID = TRAINING  DOTTED = VALIDATION", measureTitle]
        let tops = [String(format: "%.2f", lossTop), "1.0"]
        for panel in 0..<2 {
            let left = panel * panelWidth + leftMargin, right = (panel + 1) * panelWidth - rightMargin
            line(&image, left, bottom, right, bottom, [0, 0, 0], dotted: false)
            line(&image, left, topMargin, left, bottom, [0, 0, 0], dotted: false)
            BitmapFont.draw(titles[panel], into: &image, x: left, y: 6)
            BitmapFont.draw(tops[panel], into: &image, x: left - 3 - BitmapFont.width(of: tops[panel]), y: topMargin)
            BitmapFont.draw("0", into: &image, x: left - 3 - BitmapFont.width(of: "0"), y: bottom - BitmapFont.glyphHeight)
            BitmapFont.draw("1", into: &image, x: left, y: bottom + 4)
            BitmapFont.draw("\(epochs)", into: &image, x: right - BitmapFont.width(of: "\(epochs)"), y: bottom + 4)
            BitmapFont.draw("EPOCH", into: &image, x: (left + right - BitmapFont.width(of: "EPOCH")) / 2, y: bottom + 14)
        }
        for (index, fold) in folds.enumerated() {
            let label = "FOLD \(fold.fold)", colour = palette[index % palette.count]
            let x = 2 * panelWidth - rightMargin - 4 - BitmapFont.width(of: label), y = topMargin + 4 + index * 10
            guard y + BitmapFont.glyphHeight < bottom else { break }
            BitmapFont.draw(label, into: &image, x: x, y: y, color: RGBColor(red: colour[0], green: colour[1], blue: colour[2]))
        }
        func point(panel: Int, epoch: Int, fraction: Double) -> (Int, Int) {
            let left = panel * panelWidth + leftMargin, span = panelWidth - leftMargin - rightMargin
            let x = left + Int(Double(span) * Double(epoch - 1) / Double(epochs - 1))
            let y = bottom - Int(Double(plotHeight) * min(max(fraction, 0), 1))
            return (x, y)
        }
        for (index, fold) in folds.enumerated() {
            let colour = palette[index % palette.count]
            let series: [(panel: Int, dotted: Bool, values: [Double?])] = [
                (0, false, fold.training.map { Double($0) / lossTop }),
                (0, true, fold.validation.map { $0.map { Double($0) / lossTop } }),
                (1, false, fold.measure),
            ]
            for curve in series {
                for (i, pair) in zip(curve.values, curve.values.dropFirst()).enumerated() {
                    guard let a = pair.0, let b = pair.1, a.isFinite, b.isFinite else { continue }
                    let p = point(panel: curve.panel, epoch: i + 1, fraction: a), q = point(panel: curve.panel, epoch: i + 2, fraction: b)
                    line(&image, p.0, p.1, q.0, q.1, colour, dotted: curve.dotted)
                }
            }
        }
        return image
    }

    /// Bresenham's line; a dotted line skips every other run of three pixels.
    static func line(_ image: inout RGBImage, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ colour: [UInt8], dotted: Bool) {
        var x = x0, y = y0, step = 0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            if (!dotted || (step / 3) % 2 == 0), x >= 0, y >= 0, x < image.width, y < image.height {
                image[x, y] = (colour[0], colour[1], colour[2])
            }
            if x == x1 && y == y1 { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
            step += 1
        }
    }
}
