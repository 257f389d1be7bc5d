import ArgumentParser
import RunSupport
import Synth

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write synthetic H&E-like pyramidal TIFF slides with ground-truth JSON.",
        discussion: """
        Single mode writes OUTPUT (a .tif) and OUTPUT's stem + .json. With --batch N, OUTPUT is a \
        folder that receives synthetic_<i>.tif, their JSONs and labels.csv (slide_id,label); \
        even-numbered slides get --tumors tumour regions, odd-numbered ones none. The JSON holds the \
        ground truth in level-0 px: tissue and tumour regions and their bounding boxes.

        Examples:
          slidemil synth slide.tif                                    # 6000 x 4000 px, one tumour
          slidemil synth normal.tif --tumors 0 --seed 7
          slidemil synth slides-sample --batch 6 --width 4000 --height 3000 --quality 80 --seed 1
          slidemil synth subtypes --batch 30 --classes 3 --width 3000 --height 2000   # tumor_1, tumor_2, normal
        """
    )

    @Argument(help: "The slide file to write (single mode) or the folder to fill (--batch).")
    var output: String

    @Option(help: "Level-0 width in pixels.")
    var width = 6000

    @Option(help: "Level-0 height in pixels.")
    var height = 4000

    @Option(help: "Level-0 resolution in micrometres per pixel.")
    var mpp = 0.25

    @Option(help: "Random seed; batch slide i uses seed + i.")
    var seed: UInt64 = 0

    @Option(help: "Tumour regions per tumour slide (0 for a normal slide).")
    var tumors = 1

    @Option(help: "JPEG quality of the tiles, 1-100.")
    var quality = 90

    @Option(help: "Write this many slides into the OUTPUT folder, with labels.csv.")
    var batch: Int?

    @Option(help: "Classes of a --batch, 2-10: with N >= 3, slide i is of class i mod N: tumor_1 ... tumor_<N-1> (tumour kinds told apart by colour), then normal.")
    var classes = 2

    func validate() throws {
        guard width >= 256, height >= 256 else { throw ValidationError("--width and --height must be at least 256 px") }
        guard mpp > 0 else { throw ValidationError("--mpp must be positive") }
        guard tumors >= 0 else { throw ValidationError("--tumors must be 0 or more") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be in 1...100") }
        if let batch, batch < 1 { throw ValidationError("--batch must be 1 or more") }
        guard (2...10).contains(classes) else { throw ValidationError("--classes must be in 2...10") }
    }

    func run() throws {
        let request = SynthRequest(output: output, width: width, height: height, micronsPerPixel: mpp, seed: seed,
                                   tumorCount: tumors, jpegQuality: quality, batch: batch, classes: classes)
        let slides = try SynthSlides.run(request, progress: ProgressReporter(label: "writing", unit: "tiles"))
        for slide in slides {
            print("\(slide.slidePath)\t\(slide.label)")
        }
    }
}
