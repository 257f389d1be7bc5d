import Backbones
import Foundation
import NN
import Tensor

/// The measurements behind `slidemil bench encoders`: Vision Transformer forward throughput
/// (ViT-B/16, ViT-L/16 at 224 px) as images/s and as shares of the machine's FMA peak (`FMAPeak`,
/// the reference of `bench engine`) and of its sgemm rate, and the same timm models in onnxruntime
/// and PyTorch, measured in the same run, as ratios and as shares of the FMA peak.
public struct EncoderBenchmark {
    /// What to run.
    public struct Options: Sendable {
        /// Cores for OpenBLAS, the engine and the peers.
        public var threads: Int
        /// Images per forward (32 in the issue's comparison).
        public var batch: Int
        /// Timed repetitions after one warm-up; each figure is the fastest.
        public var repetitions: Int
        /// `vit-b16`, `vit-l16` or both.
        public var models: [String]
        /// `bench-encoder-peers.py`; nil skips the peers.
        public var peersScript: String?
        /// Python interpreter for the peers.
        public var python: String

        /// Defaults: 2 threads, batch 32, 1 repetition, both models, the peers script.
        public init(threads: Int = 2, batch: Int = 32, repetitions: Int = 1, models: [String] = EncoderBenchmark.models,
                    peersScript: String? = "scripts/bench-encoder-peers.py", python: String = "python3") {
            self.threads = threads
            self.batch = batch
            self.repetitions = repetitions
            self.models = models
            self.peersScript = peersScript
            self.python = python
        }
    }

    /// The models measured, by name.
    public static let models = ["vit-b16", "vit-l16"]

    /// timm's `vit_base_patch16_224` and `vit_large_patch16_224`.
    public static func configuration(_ name: String) -> VisionTransformerConfiguration? {
        switch name {
        case "vit-b16": return VisionTransformerConfiguration(patchSize: 16, width: 768, depth: 12, heads: 12, mlpHiddenWidth: 3072)
        case "vit-l16": return VisionTransformerConfiguration(patchSize: 16, width: 1024, depth: 24, heads: 16, mlpHiddenWidth: 4096)
        default: return nil
        }
    }

    private let options: Options
    private let log: (String) -> Void

    /// A benchmark printing through `log`.
    public init(options: Options, log: @escaping (String) -> Void) {
        self.options = options
        self.log = log
    }

    /// Runs every measurement (minutes: a ViT-L/16 batch of 32 is about 4 TFLOP).
    /// - Throws: `VisionTransformerError` for an unknown model name.
    public func run() throws {
        BLAS.threadCount = options.threads
        ParallelFor.workerCount = options.threads
        let fma = FMAPeak.measure(threads: options.threads)
        log("OpenBLAS core \(BLAS.coreName), \(options.threads) threads; FMA peak, register-only loops: \(fma.summary)")
        let sgemm = BenchTiming.sgemmPeak(size: 2048, repetitions: 3)
        log(String(format: "sgemm 2048³ %.1f GFLOP/s = %.0f%% of FMA peak", sgemm, 100 * sgemm / fma.gflops))
        var flopsPerImage: [String: Double] = [:]
        var ours: [String: Double] = [:]
        for name in options.models {
            guard let configuration = Self.configuration(name) else {
                throw VisionTransformerError.invalidConfiguration("unknown benchmark model \(name); use \(Self.models.joined(separator: ", "))")
            }
            let model = try VisionTransformer.random(configuration, seed: 1, workers: options.threads)
            var generator = SeededGenerator(seed: 2)
            let input = Tensor.normal([options.batch, 3, 224, 224], generator: &generator)
            let seconds = BenchTiming.fastest(options.repetitions) { _ = model.forward(input) }
            let rate = Double(options.batch) / seconds
            let flops = 2 * Double(model.multiplyAccumulates(imageSize: 224))
            let gflops = flops * rate / 1e9
            ours[name] = rate
            flopsPerImage[name] = flops
            log(String(format: "%@ batch %d: %.2f images/s, %.1f GFLOP/s = %.0f%% of FMA peak, %.0f%% of sgemm",
                       name, options.batch, rate, gflops, 100 * gflops / fma.gflops, 100 * gflops / sgemm))
        }
        if let script = options.peersScript {
            comparePeers(script: script, ours: ours, flopsPerImage: flopsPerImage, peak: fma.gflops)
        }
    }

    private func comparePeers(script: String, ours: [String: Double], flopsPerImage: [String: Double], peak: Double) {
        guard FileManager.default.fileExists(atPath: script) else {
            log("peers skipped: \(script) not found (run from the repository root)")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [options.python, script, "--threads", String(options.threads), "--batch", String(options.batch),
                             "--repetitions", String(options.repetitions), "--models", options.models.joined(separator: ",")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            log("peers skipped: cannot start \(options.python): \(error)")
            return
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            log("peers skipped: \(options.python) \(script) failed (needs torch, timm, onnx and onnxruntime)")
            return
        }
        log("peers: torch \(json["torch"] ?? "?"), timm \(json["timm"] ?? "?"), onnxruntime \(json["onnxruntime"] ?? "?")")
        for name in options.models {
            for (key, label) in [("ort", "onnxruntime"), ("torch", "PyTorch")] {
                guard let theirs = json["\(key)_\(name)_images_per_s"] as? Double, let mine = ours[name],
                      let flops = flopsPerImage[name] else { continue }
                log(String(format: "%@ batch %d: ours %.2f vs %@ %.2f images/s (%.0f%% of FMA peak), ratio %.2fx",
                           name, options.batch, mine, label, theirs, 100 * theirs * flops / 1e9 / peak, mine / theirs))
            }
        }
    }
}
