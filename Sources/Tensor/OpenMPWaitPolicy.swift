import Foundation

/// Makes oneDNN's OpenMP threads sleep, not spin, while they wait for each other.
///
/// libgomp spins at every barrier by default. On a machine with more runnable threads than cores
/// (a shared build machine, a cluster node running other jobs) a spinning thread takes the core its
/// partner needs to reach the barrier: measured on 2 loaded cores, ResNet-50 at batch 1 on two
/// OpenMP threads ran 0.8 images/s spinning against 2.8 sleeping. libgomp reads `OMP_WAIT_POLICY`
/// once in a library constructor before `main`, so the only fix from inside the process is to
/// re-execute it once with the variable set. A value the user set always wins.
public enum OpenMPWaitPolicy {
    /// The variable libgomp reads at load time.
    public static let variable = "OMP_WAIT_POLICY"

    /// Re-executes the process with `OMP_WAIT_POLICY=passive` unless the variable is set; returns
    /// normally when nothing is to be done or when re-execution fails (the run then goes on with
    /// spinning threads).
    public static func applyAtStartup() {
        guard ProcessInfo.processInfo.environment[variable] == nil else { return }
        setenv(variable, "passive", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv(variable)
    }
}
