import Foundation

/// Makes oneDNN's OpenMP threads spin only briefly, then sleep, while they wait for each other.
///
/// libgomp's default spins about 3 ms at every barrier before sleeping. On a machine with more
/// runnable threads than cores (a shared build machine, a cluster node running other jobs) a
/// spinning thread takes the core its partner needs to reach the barrier: measured on 2 loaded
/// cores, ResNet-50 at batch 1 on two OpenMP threads ran 0.8 images/s with that default against
/// 2.8 sleeping at once (`OMP_WAIT_POLICY=passive`). Sleeping at once costs a futex wake-up at every
/// one of the forward's parallel regions instead: on 2 quiet cores ResNet-18 at batch 1 ran 53
/// images/s passive against 70–79 spinning. A bounded spin of 20,000 iterations (about 0.1–0.2 ms)
/// keeps the quiet figure (77–79 images/s) and, with two busy processes beside it, stayed within
/// the noise of passive (ResNet-50 batch 1: 9.7 against 13.7 images/s; ResNet-18 batch 1: 32.5
/// against 26.1; the MNIST training step 0.61 s against 0.85 s).
///
/// libgomp reads its variables once in a library constructor before `main`, so the only way to
/// set them from inside the process is to re-execute it once. A value the user set for either
/// variable always wins.
public enum OpenMPWaitPolicy {
    /// The variables libgomp reads at load time, with the values set when the user set neither.
    public static let settings = [("OMP_WAIT_POLICY", "active"), ("GOMP_SPINCOUNT", "20000")]

    /// Re-executes the process with `settings` unless the user set one of the variables; returns
    /// normally when nothing is to be done or when re-execution fails (the run then goes on with
    /// libgomp's defaults).
    public static func applyAtStartup() {
        let environment = ProcessInfo.processInfo.environment
        guard settings.allSatisfy({ environment[$0.0] == nil }) else { return }
        for (name, value) in settings { setenv(name, value, 1) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        for (name, _) in settings { unsetenv(name) }
    }
}
