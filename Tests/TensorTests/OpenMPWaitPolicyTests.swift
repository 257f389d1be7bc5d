import Tensor
import XCTest

/// Which thread-pool variables `slidemil` sets before re-executing itself: the user's choice wins.
final class OpenMPWaitPolicyTests: XCTestCase {
    private func names(_ environment: [String: String]) -> [String] {
        OpenMPWaitPolicy.settingsToApply(environment: environment).map(\.name)
    }

    func testUnsetVariablesAreAppliedAndTheUsersChoiceWins() {
        XCTAssertEqual(names([:]), ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT"])
        // Setting one OpenMP variable keeps the other at libgomp's default; OpenBLAS's is still bounded.
        XCTAssertEqual(names(["OMP_WAIT_POLICY": "passive"]), ["OPENBLAS_THREAD_TIMEOUT"])
        XCTAssertEqual(names(["GOMP_SPINCOUNT": "0"]), ["OPENBLAS_THREAD_TIMEOUT"])
        XCTAssertEqual(names(["OPENBLAS_THREAD_TIMEOUT": "28"]), ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT"])
        // After the re-execution every variable is set: nothing left to do, so no loop.
        XCTAssertEqual(names(["OMP_WAIT_POLICY": "active", "GOMP_SPINCOUNT": "20000", "OPENBLAS_THREAD_TIMEOUT": "18"]), [])
    }
}
