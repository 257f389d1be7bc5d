import Foundation
import Store

/// Turns an error into the one line a user sees.
///
/// Typed SlideMIL errors already print as one line naming the file. Foundation's file errors print
/// as a multi-line `Error Domain=NSCocoaErrorDomain Code=642 ... UserInfo={...}` dump; they become
/// `<path>: <system reason>` instead, e.g. `runs/x: Read-only file system`.
struct ErrorLine: Error, CustomStringConvertible {
    let description: String

    /// `error` itself when it prints well, else an `ErrorLine` with its path and reason.
    static func wrap(_ error: Error) -> Error {
        guard FileSystemErrorText.isFileSystemError(error) else { return error }
        return ErrorLine(description: describe(error))
    }

    /// The one-line text of `error`.
    static func describe(_ error: Error) -> String {
        guard FileSystemErrorText.isFileSystemError(error) else { return "\(error)" }
        let reason = FileSystemErrorText.reason(error)
        return FileSystemErrorText.path(error).map { "\($0): \(reason)" } ?? reason
    }
}
