import ArgumentParser
import ExtractStage
import Foundation
import Tiling

struct StainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stain",
        abstract: "Write a PNG tile beside its Reinhard- or Macenko-normalised self.",
        discussion: """
        Shows what 'slidemil extract --stain-normalization' does to a tile before any features are \
        extracted: the output PNG holds the tile on the left and the normalised tile on the right. \
        The method is fitted exactly as extract fits it: to --reference, or (Macenko only) to \
        Macenko's standard H&E reference. Where Macenko is ill-posed (almost no stain, e.g. \
        background) the tile passes through unchanged, as in extraction, and the command says so. \
        Tiles can be exported from a slide with 'slidemil tile --export-tiles'.

        Examples:
          slidemil stain tile.png --method macenko --output tile-macenko.png
          slidemil stain tile.png --method reinhard --reference reference.png --output tile-reinhard.png
        """
    )

    @Argument(help: "The tile, a PNG.")
    var tile: String

    @Option(help: "reinhard or macenko.")
    var method: String

    @Option(help: "Reference tile (PNG) to fit the method to; required for reinhard.")
    var reference: String?

    @Option(help: "The side-by-side PNG to write.")
    var output: String

    func validate() throws {
        guard StainNormalization.methods.contains(method) else {
            throw ValidationError("--method must be \(StainNormalization.methods.joined(separator: " or "))")
        }
        if method == "reinhard", reference == nil { throw ValidationError("--method reinhard needs --reference") }
    }

    func run() throws {
        let comparison = try StainComparison.write(tilePath: tile, method: method, referencePath: reference,
                                                   to: URL(fileURLWithPath: output))
        if comparison.passedThrough {
            print("\(tile): \(method) is ill-posed on this tile (too little stain); it passed through unchanged")
        }
        print("wrote \(output) (\(comparison.image.width) x \(comparison.image.height): tile | \(method))")
    }
}
