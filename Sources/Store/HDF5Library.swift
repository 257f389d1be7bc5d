import CHDF5
import Foundation

/// Process-wide access to the HDF5 C library.
///
/// The system HDF5 is built without its thread-safety option, so every call into it goes through
/// one recursive lock; the Store types are then safe to use from several threads (calls are
/// serialised, not parallel — HDF5 I/O is rarely the bottleneck next to feature extraction).
enum HDF5Library {
    private static let lock = NSRecursiveLock()

    private static let initialised: Void = {
        H5open()
        // Errors come back as negative return codes and become typed `StoreError`s; the library's
        // own stack dump on stderr would only confuse users.
        slidemil_h5_silence_errors()
    }()

    /// Runs `body` while holding the HDF5 lock, initialising the library on first use.
    static func serialized<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        _ = initialised
        return try body()
    }
}
