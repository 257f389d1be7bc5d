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
        // No clean-up at exit: after a failed write (a full disk) HDF5's own exit handler
        // flushes the broken file again and can crash; the operating system frees everything.
        H5dont_atexit()
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

    /// The operating system's message for the error HDF5 has just reported (e.g. "No space left
    /// on device"), read from the `errno = N` HDF5 records on its error stack; nil when the
    /// failure did not come from a system call. Call it right after the failing HDF5 call, while
    /// holding the lock: the next HDF5 call clears the stack.
    static func systemErrorMessage() -> String? {
        var buffer = [CChar](repeating: 0, count: 8192)
        slidemil_h5_error_stack_text(&buffer, buffer.count)
        let text = String(cString: buffer)
        guard let range = text.range(of: "errno = ") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        guard let code = Int32(digits), code > 0 else { return nil }
        return String(cString: strerror(code))
    }

    /// The error for a failed HDF5 write: `StoreError.writeFailed` with the system's message
    /// when the operating system refused (a full disk, a read-only folder), else `StoreError.hdf5`.
    static func writeFailure(path: String, object: String, operation: String) -> StoreError {
        if let message = systemErrorMessage() {
            return .writeFailed(path: path, reason: message)
        }
        return .hdf5(path: path, object: object, operation: operation)
    }
}
