import ArgumentParser
import Bench

struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Benchmark the CNN engine: FMA peak, sgemm, ResNet inference, MNIST training, and peers.",
        discussion: """
        Build with -c release. Measures the machine's FMA peak (AVX-512 and AVX2 register loops), \
        OpenBLAS sgemm, ResNet-18, ResNet-50 and ResNet-50 truncated after layer3 at batch 1 and 32 \
        (each as a share of the FMA peak), and the MNIST ResNet-18 training step. Peers (PyTorch, \
        onnxruntime) run through scripts/bench-peers.py when python3 has them. Weights are random \
        and seeded (speed does not depend on them); each figure is the fastest of its repetitions \
        after one warm-up. SLIDEMIL_CPU_ISA=avx512|avx2|sse41 caps the convolution kernels' ISA; \
        SLIDEMIL_CONV_ALGORITHM=direct|winograd|auto (default auto: Winograd for stride-1 3x3 \
        convolutions on AVX-512 by a measured rule) forces their algorithm.

        Examples:
          slidemil bench engine
          slidemil bench engine --threads 8 --no-peers
          slidemil bench engine --training-only --repetitions 3
        """
    )

    @Option(help: "Threads for OpenBLAS, oneDNN, the engine and the peers.")
    var threads = 2

    @Option(help: "Timed repetitions of each batch-32 forward; batch-1 runs use 16x as many.")
    var repetitions = 2

    @Option(help: "Peer benchmark script, relative to the working directory.")
    var peersScript = "scripts/bench-peers.py"

    @Flag(help: "Skip the PyTorch/onnxruntime comparison.")
    var noPeers = false

    @Flag(help: "Measure only the MNIST training step (and PyTorch's): a short run for a busy machine.")
    var trainingOnly = false

    func validate() throws {
        guard threads > 0, repetitions > 0 else { throw ValidationError("--threads and --repetitions must be positive") }
    }

    func run() throws {
        var benchmark = EngineBenchmark(
            options: .init(threads: threads, repetitions: repetitions, peersScript: noPeers ? nil : peersScript,
                          trainingOnly: trainingOnly),
            log: { print($0) }
        )
        benchmark.run()
    }
}
