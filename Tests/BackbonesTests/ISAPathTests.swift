import Foundation
import XCTest

/// Re-runs the kernel, torchvision-fixture, timm-fixture and training-gradient tests in child processes of this test binary, once
/// per instruction set the CPU supports, with `SLIDEMIL_CPU_ISA` capping oneDNN's choice (the
/// cap is process-wide and fixed at the first kernel, so it cannot change inside one process).
/// Where the ISA has Winograd kernels (AVX-512), the whole-network tests also run once with every
/// convolution forced direct and once with Winograd wherever implemented
/// (`SLIDEMIL_CONV_ALGORITHM`), so both algorithms meet the torchvision fixtures whatever `auto` picks.
final class ISAPathTests: XCTestCase {
    /// Tests that must pass on every path.
    private let filters = ["TensorTests.DNNLConvolutionTests", "TensorTests.DNNLInferenceLayerTests",
                           "BackbonesTests.TorchReferenceTests", "BackbonesTests.FoldedResNetTests", "NNTests.TransformerLayerTests",
                           "BackbonesTests.VisionTransformerReferenceTests", "NNTests.ConvolutionKernelTests",
                           "NNTests.LayerGradientTests"]
    /// Tests of whole convolutional networks, re-run per convolution algorithm.
    private let networkFilters = ["BackbonesTests.TorchReferenceTests", "BackbonesTests.FoldedResNetTests"]

    func testEverySupportedISAPath() throws {
        guard ProcessInfo.processInfo.environment["SLIDEMIL_CPU_ISA"] == nil else { return }
        let flags = try Self.cpuFlags()
        var paths: [String] = []
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) { paths.append("avx512") }
        if flags.contains("avx2") && flags.contains("fma") { paths.append("avx2") }
        if flags.contains("sse4_1") { paths.append("sse41") }
        XCTAssertFalse(paths.isEmpty, "no supported ISA found in /proc/cpuinfo")
        let binary = URL(fileURLWithPath: CommandLine.arguments[0])
        for isa in paths {
            for filter in filters { try run(filter, isa: isa, algorithm: nil, binary: binary) }
            guard isa == "avx512" else { continue }
            for algorithm in ["direct", "winograd"] {
                for filter in networkFilters { try run(filter, isa: isa, algorithm: algorithm, binary: binary) }
            }
        }
    }

    /// Runs the tests matching `filter` in a child process with the ISA cap and, if given, the
    /// convolution algorithm set.
    private func run(_ filter: String, isa: String, algorithm: String?, binary: URL) throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = [filter]
        var environment = ProcessInfo.processInfo.environment
        environment["SLIDEMIL_CPU_ISA"] = isa
        environment["SLIDEMIL_CONV_ALGORITHM"] = algorithm
        environment["OMP_WAIT_POLICY"] = environment["OMP_WAIT_POLICY"] ?? "passive"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let executed = text.contains("Executed") && !text.contains("Executed 0 tests")
        let setting = "SLIDEMIL_CPU_ISA=\(isa)" + (algorithm.map { " SLIDEMIL_CONV_ALGORITHM=\($0)" } ?? "")
        XCTAssertTrue(process.terminationStatus == 0 && executed, "\(filter) with \(setting) failed:\n\(text.suffix(3000))")
    }

    private static func cpuFlags() throws -> Set<String> {
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
