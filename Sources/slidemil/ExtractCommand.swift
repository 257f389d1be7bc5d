import ArgumentParser
import ExtractStage
import Foundation
import RunSupport
import Tiling

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Encode every patch of each slide (ResNet or ViT): features/<id>.h5 (CLAM/TRIDENT layout).",
        discussion: """
        INPUT is a slide, a folder of slides, or a CSV (as for 'slidemil tile'). Patch files are read \
        from --patches (default OUTPUT/patches; SlideMIL's, CLAM's or TRIDENT's). Each patch \
        (patch_size px at patch_level) is resized to --input-size, normalised and fed to the backbone; \
        OUTPUT/features/<id>.h5 gets 'features' (float32 N x D) and 'coords' (int64 N x 2, patch-file \
        order) with the backbone, weights file and SHA-256, sizes, mpp and normalisation as attributes. \
        Rerunning skips slides already finished with the same settings; a slide that fails gets a \
        failed row in OUTPUT/process_list_extract.csv and the batch goes on. Exit status 1 when any \
        slide failed. Memory: about (queue-depth + 1) x batch-size tiles plus the CNN's workspace, \
        whatever the slide size.

        Weights are a safetensors file with torchvision's state_dict names (conv1.weight, \
        layer1.0.bn1.running_mean, ...); a full ImageNet ResNet-50 file also serves resnet50-trunc \
        (layer4 and fc are skipped). docs/getting-started.md shows how to convert torchvision's.

        Foundation models (uni, uni2-h, virchow2, h-optimus-0/1, gigapath, phikon-v2, conch, or vit with \
        timm's config.json beside the weights) take the safetensors file from the model's page with \
        timm's names (phikon-v2: transformers', conch: CONCH's); input size and normalisation default to the \
        model's, and features go to OUTPUT/features_<encoder>/ as TRIDENT names them. \
        'slidemil encoders' lists them; docs/encoders.md shows the way from a download to a model.

        Examples:
          slidemil extract slides/ --output runs/study --weights resnet50.safetensors
          slidemil extract slides/ --output runs/study --weights resnet18.safetensors --backbone resnet18
          slidemil extract slides/ -o runs/clam --patches clam_run/patches --weights resnet50.safetensors
          slidemil extract slides/ -o runs/uni --backbone uni --weights UNI/model.safetensors
          slidemil extract slides-sample --output runs/sample --weights none --base-width 16   # demo only
        """
    )

    @Argument(help: "A slide file, a folder of slides, or a CSV of slides.")
    var input: String

    @Option(name: .shortAndLong, help: "Output folder (features/ and the process list go here).")
    var output: String

    @Option(help: "Folder of patch files <slide_id>.h5 (default OUTPUT/patches).")
    var patches: String?

    @OptionGroup(title: "Model")
    var model: ModelOptions

    @OptionGroup(title: "Speed and memory")
    var throughput: ThroughputOptions

    @OptionGroup(title: "Slide reader")
    var slideReading: SlideReadingOptions

    @OptionGroup(title: "Cluster workers")
    var sharding: ShardOptions

    @Flag(help: .setting(ExtractSettings.self, "skipBadTiles"))
    var skipBadTiles = false

    @OptionGroup(title: "Settings")
    var overrides: SettingOverrideOptions

    /// The options, then `--set`, over `ExtractSettings`' defaults, with the encoder's own input
    /// size and normalisation where those are left at the defaults; checked.
    func settings() throws -> ExtractSettings {
        if model.stainReference != nil && model.stainNormalization == nil {
            throw ValidationError("--stain-reference needs --stain-normalization reinhard or macenko")
        }
        return try overrides.settings(from: [model, throughput, slideReading], except: ["stainNormalization", "stainReference"]) { settings in
            if skipBadTiles { settings.badTilePolicy = .skip }
            try settings.adoptEncoderInput()
            settings.stain = try model.stainNormalization.map { try StainNormalization.fitted(method: $0, referencePath: model.stainReference) }
            settings.reading.probe = ChildProcessSlideProbe.forThisExecutable()
        }
    }

    func validate() throws { _ = try settings() }

    func run() throws {
        let settings = try settings()
        if try overrides.printed(settings) { return }
        let inputs = try SlideEntry.resolve(input)
        let model = try ExtractModel(settings: settings)
        if model.isRandom {
            FileHandle.standardError.write(Data("warning: --weights none: \(model.weightsLabel) backbone; the features are meaningless (demos and tests only)\n".utf8))
        }
        let outcomes = try ExtractPipeline.run(inputs, output: URL(fileURLWithPath: output),
                                               patches: patches.map { URL(fileURLWithPath: $0) }, model: model, settings: settings,
                                               shard: sharding.resolve()) { slide, outcome in
            print(outcome.line(slideID: slide.slideID, verb: "extracted"))
        }
        if outcomes.contains(where: { $0.failure != nil }) { throw ExitCode.failure }
    }
}
