import Foundation
import XCTest

/// Re-runs the kernel, torchvision-fixture, timm-fixture and training-gradient tests in child processes of this test binary, once
/// per instruction set the CPU supports, with `SLIDEMIL_CPU_ISA` capping oneDNN's choice (the
/// cap is process-wide and fixed at the first kernel, so it cannot change inside one process).
final class ISAPathTests: XCTestCase {
    /// Tests that must pass on every path.
    private let filters = ["TensorTests.DNNLConvolutionTests", "BackbonesTests.TorchReferenceTests",
                           "BackbonesTests.FoldedResNetTests", "NNTests.TransformerLayerTests",
                           "BackbonesTests.VisionTransformerReferenceTests", "NNTests.ConvolutionKernelTests",
                           "NNTests.LayerGradientTests"]

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
            for filter in filters {
                let process = Process()
                process.executableURL = binary
                process.arguments = [filter]
                var environment = ProcessInfo.processInfo.environment
                environment["SLIDEMIL_CPU_ISA"] = isa
                environment["OMP_WAIT_POLICY"] = environment["OMP_WAIT_POLICY"] ?? "passive"
                process.environment = environment
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                try process.run()
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                let executed = text.contains("Executed") && !text.contains("Executed 0 tests")
                XCTAssertTrue(process.terminationStatus == 0 && executed,
                              "\(filter) with SLIDEMIL_CPU_ISA=\(isa) failed:\n\(text.suffix(3000))")
            }
        }
    }

    private static func cpuFlags() throws -> Set<String> {
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
