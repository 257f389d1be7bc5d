import ArgumentParser
import Bench

struct BenchEncodersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encoders",
        abstract: "Benchmark the Vision Transformer engine (ViT-B/16, ViT-L/16) against onnxruntime and PyTorch.",
        discussion: """
        Build with -c release. Weights are random and seeded; each figure is the fastest of its \
        repetitions after one warm-up. Each rate is printed as images/s and as GFLOP/s, with its \
        share of the machine's FMA peak (the register-only AVX-512/AVX2 loops of `bench engine`, \
        measured at the start of the run on the same threads) and of the sgemm 2048³ rate. Peers (the same timm models in PyTorch and, exported from it, \
        in onnxruntime) run through scripts/bench-encoder-peers.py when python3 has torch, timm, onnx \
        and onnxruntime; their rates are also given as shares of the FMA peak, and ratios compare \
        figures measured in the same run.

        Examples:
          slidemil bench encoders
          slidemil bench encoders --models vit-b16 --batch 8 --threads 8
        """
    )

    @Option(help: "Threads for OpenBLAS, the engine and the peers.")
    var threads = 2

    @Option(help: "Images per forward.")
    var batch = 32

    @Option(help: "Timed repetitions after one warm-up.")
    var repetitions = 1

    @Option(help: "Comma-separated models: vit-b16, vit-l16.")
    var models = "vit-b16,vit-l16"

    @Option(help: "Peer benchmark script, relative to the working directory.")
    var peersScript = "scripts/bench-encoder-peers.py"

    @Flag(help: "Skip the onnxruntime/PyTorch comparison.")
    var noPeers = false

    func validate() throws {
        guard threads > 0, batch > 0, repetitions > 0 else { throw ValidationError("--threads, --batch and --repetitions must be positive") }
        let unknown = models.split(separator: ",").map(String.init).filter { EncoderBenchmark.configuration($0) == nil }
        guard unknown.isEmpty else { throw ValidationError("unknown --models \(unknown.joined(separator: ", ")); use vit-b16, vit-l16") }
    }

    func run() throws {
        let benchmark = EncoderBenchmark(
            options: .init(threads: threads, batch: batch, repetitions: repetitions, models: models.split(separator: ",").map(String.init),
                           peersScript: noPeers ? nil : peersScript),
            log: { print($0) })
        try benchmark.run()
    }
}
