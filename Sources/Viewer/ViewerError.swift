import Foundation

/// Why `slidemil view` cannot serve a run or a request.
public enum ViewerError: Error, Equatable, CustomStringConvertible {
    /// The folder is not a run the viewer understands.
    case notARun(path: String, reason: String)
    /// The server could not listen on the address.
    case cannotListen(host: String, port: Int, reason: String)
    /// A tile or image could not be encoded.
    case encodingFailed(reason: String)

    public var description: String {
        switch self {
        case let .notARun(path, reason): return "\(path): not a run folder: \(reason)"
        case let .cannotListen(host, port, reason): return "cannot listen on \(host):\(port): \(reason)"
        case let .encodingFailed(reason): return "cannot encode an image: \(reason)"
        }
    }
}
