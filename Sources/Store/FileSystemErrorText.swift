import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating system's short reason for a failed file operation ("No space left on device",
/// "Read-only file system", "Permission denied"), from the errors Foundation throws.
///
/// Foundation wraps system errors in `NSCocoaErrorDomain` errors whose printed form is a
/// multi-line dump (`Error Domain=NSCocoaErrorDomain Code=642 ... UserInfo={...}`); messages
/// for users carry only this reason and the path.
public enum FileSystemErrorText {
    /// The system's reason for `error`, or its localized description when it is not a file error.
    public static func reason(_ error: Error) -> String {
        if let code = posixCode(error) { return String(cString: strerror(code)) }
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain, let known = cocoaReasons[nsError.code] {
            return known
        }
        return nsError.localizedDescription
    }

    /// The file `error` is about, when Foundation recorded it.
    public static func path(_ error: Error) -> String? {
        let info = (error as NSError).userInfo
        return info[NSFilePathErrorKey] as? String ?? (info[NSURLErrorKey] as? URL)?.path
    }

    /// Whether `error` is one of Foundation's file-system errors (rather than a typed SlideMIL error).
    public static func isFileSystemError(_ error: Error) -> Bool {
        let nsError = error as NSError
        return nsError.domain == NSPOSIXErrorDomain
            || (nsError.domain == NSCocoaErrorDomain && (cocoaReasons[nsError.code] != nil || path(error) != nil))
    }

    /// The errno behind `error`: its own code in the POSIX domain, or that of an underlying error.
    private static func posixCode(_ error: Error) -> Int32? {
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return Int32(nsError.code) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        return nil
    }

    /// Reasons for the Cocoa file error codes that arrive without an underlying POSIX error.
    private static let cocoaReasons: [Int: String] = [
        CocoaError.fileNoSuchFile.rawValue: String(cString: strerror(ENOENT)),
        CocoaError.fileReadNoSuchFile.rawValue: String(cString: strerror(ENOENT)),
        CocoaError.fileReadNoPermission.rawValue: String(cString: strerror(EACCES)),
        CocoaError.fileWriteNoPermission.rawValue: String(cString: strerror(EACCES)),
        CocoaError.fileWriteOutOfSpace.rawValue: String(cString: strerror(ENOSPC)),
        CocoaError.fileWriteVolumeReadOnly.rawValue: String(cString: strerror(EROFS)),
        CocoaError.fileWriteFileExists.rawValue: String(cString: strerror(EEXIST)),
        CocoaError.fileReadCorruptFile.rawValue: "the file is corrupt",
        CocoaError.fileReadTooLarge.rawValue: String(cString: strerror(EFBIG)),
    ]
}
