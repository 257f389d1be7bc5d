import Tensor
import XCTest

final class BLASCoreSelectionTests: XCTestCase {
    private let skylakeFlags: Set<String> = ["fpu", "sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq"]

    func testGenericCoreOnAVX512MachineSelectsSkylakeX() {
        XCTAssertEqual(BLASCoreSelection.decide(environment: [:], reportedCore: "Prescott", cpuFlags: skylakeFlags),
                       .reexecute(coreType: "SkylakeX"))
        XCTAssertEqual(BLASCoreSelection.decide(environment: [:], reportedCore: "NEHALEM", cpuFlags: skylakeFlags),
                       .reexecute(coreType: "SkylakeX"))
    }

    func testAVX2WithoutFullAVX512SelectsHaswell() {
        XCTAssertEqual(BLASCoreSelection.decide(environment: [:], reportedCore: "Core2", cpuFlags: ["avx2", "fma", "avx512f"]),
                       .reexecute(coreType: "Haswell"))
        XCTAssertEqual(BLASCoreSelection.decide(environment: [:], reportedCore: "Core2", cpuFlags: ["avx2"]), .keep)
    }

    func testUserValueMarkerAndRecognisedCoresAreLeftAlone() {
        XCTAssertEqual(BLASCoreSelection.decide(environment: ["OPENBLAS_CORETYPE": "Prescott"], reportedCore: "Prescott", cpuFlags: skylakeFlags), .keep)
        XCTAssertEqual(BLASCoreSelection.decide(environment: [BLASCoreSelection.markerVariable: "Prescott"], reportedCore: "Prescott", cpuFlags: skylakeFlags), .keep)
        XCTAssertEqual(BLASCoreSelection.decide(environment: [:], reportedCore: "Haswell", cpuFlags: skylakeFlags), .keep)
        XCTAssertEqual(BLASCoreSelection.decide(environment: [:], reportedCore: "SkylakeX", cpuFlags: skylakeFlags), .keep)
    }

    func testFlagsAreReadFromCPUInfo() {
        let text = "processor\t: 0\nmodel name\t: Xeon\nflags\t\t: fpu avx2 fma avx512f\n\nprocessor\t: 1\nflags\t\t: other\n"
        XCTAssertEqual(BLASCoreSelection.cpuFlags(fromCPUInfo: text), ["fpu", "avx2", "fma", "avx512f"])
        XCTAssertEqual(BLASCoreSelection.cpuFlags(fromCPUInfo: ""), [])
    }
}
