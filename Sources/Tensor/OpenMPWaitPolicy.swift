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
/// OpenBLAS's own worker threads (the pthreads build Debian ships) wait the same way, but by
/// default for 2^28 cycles (about 0.1 s), calling `sched_yield` in a loop: after each of the MNIST
/// training step's three small classifier products its worker competed with both OpenMP threads
/// for the two cores for most of the step (the step's CPU time 0.62 s against 0.50–0.54 s with
/// the wait bounded, 2-vCPU Zen 4, load 2.9). `OPENBLAS_THREAD_TIMEOUT=18` bounds it to 2^18
/// cycles, about 0.1 ms, as the OpenMP spin.
///
/// libgomp and OpenBLAS read their variables once, in library constructors before `main`, so the
/// only way to set them from inside the process is to re-execute it once. A value the user set
/// for any of the variables always wins; the others are still set.
public enum OpenMPWaitPolicy {
    /// The variables the thread pools read at load time, with the values set where the user set none.
    public static let settings = [("OMP_WAIT_POLICY", "active"), ("GOMP_SPINCOUNT", "20000"), ("OPENBLAS_THREAD_TIMEOUT", "18")]

    /// Re-executes the process with those of `settings` the user did not set; returns normally
    /// when nothing is to be done or when re-execution fails (the run then goes on with the
    /// libraries' defaults). The user's OpenMP choice is kept whole: setting either OpenMP
    /// variable leaves the other unset.
    public static func applyAtStartup() {
        let missing = settingsToApply(environment: ProcessInfo.processInfo.environment)
        guard !missing.isEmpty else { return }
        for (name, value) in missing { setenv(name, value, 1) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        for (name, _) in missing { unsetenv(name) }
    }

    /// The entries of `settings` to set in `environment`: none of the OpenMP pair when the user
    /// set either, and no variable the user set.
    public static func settingsToApply(environment: [String: String]) -> [(name: String, value: String)] {
        let openMP: Set = ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT"]
        let userChoseOpenMP = openMP.contains { environment[$0] != nil }
        return settings.filter { name, _ in environment[name] == nil && !(userChoseOpenMP && openMP.contains(name)) }
            .map { (name: $0.0, value: $0.1) }
    }
}
