import COpenSlide
import Foundation

/// One open `openslide_t`, closed when the last reference goes.
///
/// OpenSlide's error state is sticky: after one failed call the handle answers nothing more,
/// so a handle that reports an error is thrown away, never reused.
final class OpenSlideHandle {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        openslide_close(pointer)
    }

    /// Opens `path`; `nil` when OpenSlide does not recognise the file, a handle whose `error`
    /// is set when it recognises but cannot read it.
    static func open(_ path: String) -> OpenSlideHandle? {
        guard let pointer = openslide_open(path) else { return nil }
        return OpenSlideHandle(pointer: pointer)
    }

    /// OpenSlide's error string, `nil` while the handle is healthy.
    var error: String? {
        openslide_get_error(pointer).map { String(cString: $0) }
    }
}

/// OpenSlide handles for one slide, lent to one reader at a time.
///
/// Why a pool rather than one shared handle: OpenSlide's handles are thread-safe, but one
/// corrupt tile kills a handle for every thread that shares it. With one handle per concurrent
/// reader a failed read costs only its own handle; the next checkout opens a fresh one.
/// OpenSlide 3.4.1 has no cache API (`openslide_cache_create` arrived in 4.0), so each handle
/// keeps its own fixed 32 MiB tile cache; `maximumIdle` bounds how many stay open, and with it
/// the memory the caches can hold.
final class OpenSlideHandlePool: @unchecked Sendable {
    private let path: String
    private let maximumIdle: Int
    private let lock = NSLock()
    private var idle: [OpenSlideHandle]

    /// A pool over `path` that starts with the already-open `first` handle.
    init(path: String, first: OpenSlideHandle, maximumIdle: Int) {
        self.path = path
        self.maximumIdle = max(1, maximumIdle)
        self.idle = [first]
    }

    /// Runs `body` with a handle nobody else is using. A handle that has an error afterwards is
    /// closed instead of returned.
    func withHandle<T>(_ body: (OpenSlideHandle) throws -> T) throws -> T {
        let handle = try checkOut()
        defer { checkIn(handle) }
        return try body(handle)
    }

    private func checkOut() throws -> OpenSlideHandle {
        lock.lock()
        if let handle = idle.popLast() {
            lock.unlock()
            return handle
        }
        lock.unlock()
        guard let handle = OpenSlideHandle.open(path) else {
            throw SlideError.corrupt(path: path, reason: "OpenSlide no longer recognises the file (was it replaced?)")
        }
        if let error = handle.error {
            throw SlideError.corrupt(path: path, reason: error)
        }
        return handle
    }

    private func checkIn(_ handle: OpenSlideHandle) {
        guard handle.error == nil else { return }
        lock.lock()
        defer { lock.unlock() }
        if idle.count < maximumIdle { idle.append(handle) }
    }
}
