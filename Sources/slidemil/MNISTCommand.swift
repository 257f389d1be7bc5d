import ArgumentParser
import Foundation
import MNISTRun
import RunSupport

struct MNISTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist",
        abstract: "Validate SlideMIL's MIL on MNIST bags: pretrain a ResNet, extract features, train and test a MIL head.",
        discussion: """
        Without --config the built-in defaults are used; they equal configs/mnist-bags.yaml. \
        Re-running into the same --output folder reuses its CNN features when the pretraining \
        settings and bag pools are unchanged, so only the MIL part runs again. The run folder gets \
        cnn.safetensors, features.safetensors, mil.safetensors, config.yaml, metrics.json, \
        predictions.csv and attention.png; docs/mnist-bags.md describes them and the results.

        Examples:
          slidemil mnist                                   # the defaults, a few minutes on 2 cores
          slidemil mnist --set model.pooling=gated_attention --set bags.targetDigit=9
          slidemil mnist --head noisy_and --output runs/mnist-bags   # reuses the cached features
          slidemil mnist --set bags.task=two_digits --set bags.secondDigit=7
          slidemil mnist --config my-bags.yaml --output runs/my-bags
        """
    )

    @Option(name: .long, help: "YAML config file (default: the built-in settings of configs/mnist-bags.yaml).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one setting, e.g. --set model.pooling=gated_attention (repeatable).")
    var overrides: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Head of docs/mnist-bags.md's table: \(MNISTHead.allCases.map(\.rawValue).joined(separator: ", ")) (pooling, classifier and elastic net; --set still overrides).",
        valueName: "name"))
    var head: String?

    @Option(name: .long, help: "Run folder for weights, features, metrics, predictions and the figure.")
    var output: String = "runs/mnist-bags"

    func run() throws {
        do {
            var presets: [String] = []
            if let head {
                guard let named = MNISTHead(rawValue: head) else {
                    throw ValidationError("--head \(head): unknown head; one of \(MNISTHead.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                presets = named.settings
            }
            let settings = try ConfigLoader.load(defaults: MNISTBagsConfig(), file: config.map { URL(fileURLWithPath: $0) },
                                                 overrides: presets + overrides)
            let pipeline = MNISTBagsPipeline(config: settings, outputDirectory: URL(fileURLWithPath: output),
                                             showProgress: isatty(STDERR_FILENO) == 1) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            let metrics = try pipeline.run()
            print(metrics.table)
            print("run folder: \(output)")
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("slidemil mnist: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
