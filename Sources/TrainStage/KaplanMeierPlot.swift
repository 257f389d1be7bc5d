import Foundation
import Heatmap
import MILTasks
import Raster

/// Draws Kaplan–Meier survival curves of the high-risk (red) and low-risk (blue) groups as step
/// functions on one panel: survival 0–1 against time from 0 to the largest follow-up, with
/// censoring ticks, a legend with group sizes and the log-rank p-value in the title.
enum KaplanMeierPlot {
    static let width = 480, height = 300
    static let left = 40, right = 12, top = 24, bottom = 34

    static func render(high: [SurvivalOutcome], low: [SurvivalOutcome], logRankP: Double?) -> RGBImage {
        var image = RGBImage(width: width, height: height, fill: (255, 255, 255))
        let xEnd = width - right, yEnd = height - bottom
        let tMax = max((high + low).map(\.time).max() ?? 1, 1e-9)
        SlideTrainCurvePlot.line(&image, left, yEnd, xEnd, yEnd, [0, 0, 0], dotted: false)
        SlideTrainCurvePlot.line(&image, left, top, left, yEnd, [0, 0, 0], dotted: false)
        let title = "KAPLAN-MEIER: HIGH VS LOW RISK" + (logRankP.map { "  LOG-RANK P = " + String(format: "%.3g", $0).uppercased() } ?? "")
        BitmapFont.draw(title, into: &image, x: left, y: 6)
        BitmapFont.draw("1.0", into: &image, x: left - 3 - BitmapFont.width(of: "1.0"), y: top)
        BitmapFont.draw("0", into: &image, x: left - 3 - BitmapFont.width(of: "0"), y: yEnd - BitmapFont.glyphHeight)
        BitmapFont.draw("0", into: &image, x: left, y: yEnd + 4)
        let endLabel = String(format: "%.4g", tMax)
        BitmapFont.draw(endLabel, into: &image, x: xEnd - BitmapFont.width(of: endLabel), y: yEnd + 4)
        BitmapFont.draw("TIME", into: &image, x: (left + xEnd - BitmapFont.width(of: "TIME")) / 2, y: yEnd + 16)
        func x(_ t: Double) -> Int { left + Int(Double(xEnd - left) * t / tMax) }
        func y(_ s: Double) -> Int { yEnd - Int(Double(yEnd - top) * min(max(s, 0), 1)) }
        for (index, (name, group, colour)) in [("HIGH RISK", high, [214, 39, 40] as [UInt8]), ("LOW RISK", low, [31, 119, 180])].enumerated() {
            let label = "\(name) (N = \(group.count))"
            BitmapFont.draw(label, into: &image, x: xEnd - 4 - BitmapFont.width(of: label), y: top + 4 + index * 10,
                            color: RGBColor(red: colour[0], green: colour[1], blue: colour[2]))
            guard !group.isEmpty else { continue }
            var t = 0.0, s = 1.0
            let estimate = KaplanMeier(outcomes: group)
            for step in estimate.steps {
                SlideTrainCurvePlot.line(&image, x(t), y(s), x(step.time), y(s), colour, dotted: false)
                if step.events > 0 {
                    SlideTrainCurvePlot.line(&image, x(step.time), y(s), x(step.time), y(step.survival), colour, dotted: false)
                }
                t = step.time
                s = step.survival
            }
            SlideTrainCurvePlot.line(&image, x(t), y(s), x(tMax), y(s), colour, dotted: false)
            for outcome in group where !outcome.event {
                let level = y(estimate.survival(at: outcome.time))
                SlideTrainCurvePlot.line(&image, x(outcome.time), level - 3, x(outcome.time), level + 3, colour, dotted: false)
            }
        }
        return image
    }
}
