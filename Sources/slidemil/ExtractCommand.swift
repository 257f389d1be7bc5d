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

    @Flag(name: .customLong("skip-bad-tiles"), help: "Leave unreadable tiles out of the feature file (counted in its skipped_tiles attribute) instead of failing the slide.")
    var skipBadTiles = false

    func settings() throws -> ExtractSettings {
        var settings = ExtractSettings()
        guard let chosen = ExtractBackbone(rawValue: model.backbone) else {
            throw ValidationError("--backbone must be one of \(ExtractBackbone.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        settings.backbone = chosen
        settings.weights = model.weights == "none" ? nil : model.weights
        settings.seed = model.seed
        settings.baseWidth = model.baseWidth
        let expected: EncoderInput?
        do { expected = try chosen.expectedInput(weights: settings.weights) } catch { throw ValidationError("\(error)") }
        settings.inputSize = model.inputSize ?? expected?.size ?? settings.inputSize
        settings.tileSize = model.tileSize
        settings.mean = try model.mean.map { try Self.triple($0, name: "--mean") } ?? expected?.mean ?? settings.mean
        settings.std = try model.std.map { try Self.triple($0, name: "--std") } ?? expected?.std ?? settings.std
        if let method = model.stainNormalization {
            do { settings.stain = try StainNormalization.fitted(method: method, referencePath: model.stainReference) } catch {
                throw ValidationError("\(error)")
            }
        } else if model.stainReference != nil {
            throw ValidationError("--stain-reference needs --stain-normalization reinhard or macenko")
        }
        settings.batchSize = throughput.batchSize
        settings.readers = throughput.readers
        settings.queueDepth = throughput.queueDepth
        if let threads = throughput.threads { settings.workers = threads }
        settings.maxTiles = throughput.maxTiles
        settings.reading = try slideReading.settings()
        settings.badTilePolicy = skipBadTiles ? .skip : .stop
        do { try settings.validate() } catch { throw ValidationError("\(error)") }
        return settings
    }

    private static func triple(_ text: String, name: String) throws -> [Float] {
        let values = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 3 else { throw ValidationError("\(name) needs three comma-separated numbers (R,G,B)") }
        return values
    }

    func validate() throws { _ = try settings() }

    func run() throws {
        let settings = try settings()
        let inputs = try SlideEntry.resolve(input)
        let model = try ExtractModel(settings: settings)
        if model.isRandom {
            FileHandle.standardError.write(Data("warning: --weights none: \(model.weightsLabel) backbone; the features are meaningless (demos and tests only)\n".utf8))
        }
        let outcomes = try ExtractPipeline.run(inputs, output: URL(fileURLWithPath: output),
                                               patches: patches.map { URL(fileURLWithPath: $0) }, model: model, settings: settings) { slide, outcome in
            print(outcome.line(slideID: slide.slideID, verb: "extracted"))
        }
        if outcomes.contains(where: { $0.failure != nil }) { throw ExitCode.failure }
    }
}
