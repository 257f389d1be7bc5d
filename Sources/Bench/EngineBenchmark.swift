import Backbones
import Foundation
import NN
import Tensor

/// The measurements behind `slidemil bench engine`: the machine's FMA peak (register-only AVX-512
/// and AVX2 loops on every thread), sgemm, ResNet-18 / ResNet-50 / ResNet-50 truncated after layer3
/// forward throughput at batch 1 and 32 (each as a share of the FMA peak), MNIST training-step
/// time, and the same models in PyTorch and onnxruntime when a Python with those packages is
/// available. Prints as it goes; results are also returned for callers.
public struct EngineBenchmark {
    /// What to run.
    public struct Options: Sendable {
        /// Cores for OpenBLAS and the parallel-for, and for the peers (default 2).
        public var threads: Int
        /// Timed repetitions of the heavy cases (batch 32 forwards); batch-1 cases run
        /// `batchOneRepetitionFactor` times as many. Every figure is the fastest repetition.
        public var repetitions: Int
        /// Path of `bench-peers.py`; `nil` skips the peers.
        public var peersScript: String?
        /// Python interpreter used for the peers.
        public var python: String
        /// Measure only the MNIST training step (and PyTorch's), skipping peak, sgemm and inference.
        public var trainingOnly: Bool

        public init(threads: Int = 2, repetitions: Int = 2, peersScript: String? = "scripts/bench-peers.py", python: String = "python3",
                    trainingOnly: Bool = false) {
            self.threads = threads
            self.repetitions = repetitions
            self.peersScript = peersScript
            self.python = python
            self.trainingOnly = trainingOnly
        }
    }

    /// Named figures (images/s, GFLOP/s, seconds), in the order measured.
    public private(set) var figures: [(name: String, value: Double)] = []
    private let options: Options
    private let log: (String) -> Void

    public init(options: Options, log: @escaping (String) -> Void) {
        self.options = options
        self.log = log
    }

    /// How many times as many passes a batch-1 case times as a batch-32 one (passed to the peers'
    /// script, so both sides time the same count). At 4×, a case of 13–40 ms passes was timed over 0.1–0.3 s, which
    /// one burst of a neighbouring process on a shared 2-core machine could cover whole; 16×
    /// gives the fastest pass 0.4–1.3 s to turn up in.
    static let batchOneRepetitionFactor = 16

    /// The networks measured: figure name and configuration.
    static let networks: [(name: String, configuration: ResNetConfiguration)] = [
        ("resnet18", ResNetConfiguration(depth: .resnet18)),
        ("resnet50", ResNetConfiguration(depth: .resnet50)),
        ("resnet50_layer3", ResNetConfiguration(depth: .resnet50, head: .featuresAfterLayer3)),
    ]

    /// Runs every measurement (a few minutes on two cores).
    public mutating func run() {
        BLAS.threadCount = options.threads
        ParallelFor.workerCount = options.threads
        log("OpenBLAS core \(BLAS.coreName), \(options.threads) threads; oneDNN \(DNNL.version), kernels \(DNNL.effectiveISA)"
            + (DNNL.requestedISA.map { " (SLIDEMIL_CPU_ISA=\($0))" } ?? "")
            + "; convolutions \(DNNL.convolutionAlgorithmDescription)")
        DNNL.threadsForCallingThread = options.threads
        guard !options.trainingOnly else {
            measureTraining()
            if let script = options.peersScript { comparePeers(script: script, peak: .nan) }
            return
        }
        let fma = FMAPeak.measure(threads: options.threads)
        if let avx512 = fma.avx512 { record("fma_peak_avx512_gflops", avx512) }
        if let avx2 = fma.avx2 { record("fma_peak_avx2_gflops", avx2) }
        log("(a) FMA peak, \(options.threads) threads, register-only loops: " + fma.summary)
        let peak = fma.gflops
        let sgemm = BenchTiming.sgemmPeak(size: 2048, repetitions: 5)
        record("sgemm_2048_gflops", sgemm)
        log(String(format: "(a) sgemm 2048x2048x2048 (OpenBLAS): %.1f GFLOP/s = %.0f%% of FMA peak", sgemm, 100 * sgemm / peak))
        for (name, configuration) in Self.networks {
            let model = ResNet(configuration, seed: 1)
            record("\(name)_gflop_per_image", 2 * Double(FoldedResNet(model).multiplyAccumulates(height: 224, width: 224)) / 1e9)
            let cases: [(batch: Int, threading: InferenceThreading, microBatch: Int)] = [
                (1, .blasThreads, 1), (32, .blasThreads, 32), (32, .splitBatch, 1),
            ]
            for (batch, threading, microBatch) in cases {
                let folded = FoldedResNet(model, workers: options.threads, threading: threading, microBatch: microBatch)
                var generator = SeededGenerator(seed: 2)
                let input = Tensor.normal([batch, 3, 224, 224], generator: &generator)
                let repetitions = batch == 1 ? Self.batchOneRepetitionFactor * options.repetitions : options.repetitions
                let seconds = BenchTiming.fastest(repetitions) { _ = folded.forward(input) }
                let imagesPerSecond = Double(batch) / seconds
                let gflops = 2 * Double(folded.multiplyAccumulates(height: 224, width: 224)) * imagesPerSecond / 1e9
                let strategy = threading == .splitBatch ? "split batch" : "all threads per layer"
                let figure = "\(name)_b\(batch)_\(threading == .splitBatch ? "split" : "blas")_m\(microBatch)"
                record("\(figure)_images_per_s", imagesPerSecond)
                log(String(format: "(b) %@ batch %d (%@, micro-batch %d): %.2f images/s, %.1f GFLOP/s = %.0f%% of FMA peak",
                           name, batch, strategy, microBatch, imagesPerSecond, gflops, 100 * gflops / peak))
            }
        }
        measureTraining()
        if let script = options.peersScript { comparePeers(script: script, peak: peak) }
    }

    private mutating func measureTraining() {
        let step = mnistTrainingStep(batch: 256)
        record("mnist_train_step_s", step.wall)
        record("mnist_train_step_cpu_s", step.cpu)
        log(String(format: "(c) MNIST ResNet-18 training step, batch 256 at 28x28: %.3f s (%.3f CPU s)", step.wall, step.cpu))
    }

    private mutating func record(_ name: String, _ value: Double) {
        figures.append((name, value))
    }

    private func value(_ name: String) -> Double? {
        figures.first { $0.name == name }?.value
    }

    /// Wall seconds of the fastest step and process CPU seconds of the cheapest (all threads; on a
    /// shared machine the CPU time is the steadier figure, since it does not count time the
    /// neighbours held the cores).
    private func mnistTrainingStep(batch: Int) -> (wall: Double, cpu: Double) {
        let model = ResNet(.mnist(), seed: 4)
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
        var generator = SeededGenerator(seed: 5)
        let images = Tensor.normal([batch, 1, 28, 28], generator: &generator)
        let classes = (0..<batch).map { _ in Int(generator.next() % 10) }
        func step() {
            optimizer.zeroGradients()
            let loss = CrossEntropy.loss(logits: model.forward(images, mode: .training), classes: classes)
            model.backwardParameters(loss.gradient)
            optimizer.step()
        }
        step()
        var wall = Double.infinity, cpu = Double.infinity
        for _ in 0..<(3 * options.repetitions) {
            let (startWall, startCPU) = (DispatchTime.now().uptimeNanoseconds, Self.processCPUSeconds())
            step()
            wall = min(wall, Double(DispatchTime.now().uptimeNanoseconds - startWall) / 1e9)
            cpu = min(cpu, Self.processCPUSeconds() - startCPU)
        }
        return (wall, cpu)
    }

    /// CPU seconds used so far by all threads of this process.
    private static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private mutating func comparePeers(script: String, peak: Double) {
        guard FileManager.default.fileExists(atPath: script) else {
            log("(d) peers skipped: \(script) not found (run from the repository root)")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [options.python, script, "--threads", String(options.threads), "--repetitions", String(options.repetitions),
                             "--batch-one-factor", String(Self.batchOneRepetitionFactor)]
            + (options.trainingOnly ? ["--training-only"] : [])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            log("(d) peers skipped: cannot start \(options.python): \(error)")
            return
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            log("(d) peers skipped: \(options.python) \(script) failed (needs torch, onnx and onnxruntime)")
            return
        }
        log("(d) peers: torch \(json["torch"] ?? "?"), onnxruntime \(json["onnxruntime"] ?? "absent")")
        for (name, _) in Self.networks {
            for batch in [1, 32] {
                let ours = figures.filter { $0.name.hasPrefix("\(name)_b\(batch)_") && $0.name.hasSuffix("_images_per_s") }
                    .map(\.value).max() ?? 0
                let flopsPerImage = value("\(name)_gflop_per_image") ?? 0
                for peer in ["ort", "torch"] {
                    guard let theirs = json["\(peer)_\(name)_b\(batch)_images_per_s"] as? Double else { continue }
                    record("\(peer)_\(name)_b\(batch)_images_per_s", theirs)
                    log(String(format: "(d) %@ batch %d: ours %.2f vs %@ %.2f images/s (%.0f%% of FMA peak), ratio %.2fx",
                               name, batch, ours, peer == "ort" ? "onnxruntime" : "PyTorch", theirs,
                               100 * theirs * flopsPerImage / peak, ours / theirs))
                }
            }
        }
        if let theirs = json["torch_mnist_train_step_s"] as? Double, let ours = value("mnist_train_step_s") {
            record("torch_mnist_train_step_s", theirs)
            log(String(format: "(d) MNIST training step: ours %.3f s vs PyTorch %.3f s, speed ratio %.2fx", ours, theirs, theirs / ours))
        }
        if let theirs = json["torch_mnist_train_step_cpu_s"] as? Double, let ours = value("mnist_train_step_cpu_s") {
            record("torch_mnist_train_step_cpu_s", theirs)
            log(String(format: "(d) MNIST training step, CPU time: ours %.3f s vs PyTorch %.3f s, ratio %.2fx", ours, theirs, theirs / ours))
        }
    }
}
