/// Everything that can go wrong reading or writing SlideMIL's on-disk formats.
///
/// Each case names the file (and, where it matters, the dataset or attribute) so the executable
/// can print one self-explanatory line.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or created (missing, unreadable, not HDF5, no permission).
    case cannotOpen(path: String, reason: String)
    /// A dataset the format requires is absent.
    case missingDataset(path: String, dataset: String)
    /// An attribute the caller asked for is absent.
    case missingAttribute(path: String, object: String, attribute: String)
    /// A dataset or attribute exists but has a type, rank or shape the format does not allow.
    case unexpectedLayout(path: String, object: String, problem: String)
    /// The HDF5 library reported a failure for `operation` on `object`.
    case hdf5(path: String, object: String, operation: String)
    /// A feature file exists but was never finished (a killed run) or holds fewer rows than promised.
    case incomplete(path: String, problem: String)
    /// A CSV file could not be parsed; `line` is 1-based.
    case malformedCSV(path: String, line: Int, problem: String)
    /// Writing, syncing or renaming an output file failed.
    case writeFailed(path: String, reason: String)
    /// Values to be written hold NaN or infinity (`row` is 0-based, `detail` says where).
    case nonFinite(path: String, object: String, row: Int, detail: String)

    /// The same error about `new` where it names the file `old` (a temporary file's error told
    /// under the target's name).
    public func replacingPath(_ old: String, with new: String) -> StoreError {
        func swap(_ path: String) -> String { path == old ? new : path }
        switch self {
        case let .cannotOpen(path, reason): return .cannotOpen(path: swap(path), reason: reason)
        case let .missingDataset(path, dataset): return .missingDataset(path: swap(path), dataset: dataset)
        case let .missingAttribute(path, object, attribute): return .missingAttribute(path: swap(path), object: object, attribute: attribute)
        case let .unexpectedLayout(path, object, problem): return .unexpectedLayout(path: swap(path), object: object, problem: problem)
        case let .hdf5(path, object, operation): return .hdf5(path: swap(path), object: object, operation: operation)
        case let .incomplete(path, problem): return .incomplete(path: swap(path), problem: problem)
        case let .malformedCSV(path, line, problem): return .malformedCSV(path: swap(path), line: line, problem: problem)
        case let .writeFailed(path, reason): return .writeFailed(path: swap(path), reason: reason)
        case let .nonFinite(path, object, row, detail): return .nonFinite(path: swap(path), object: object, row: row, detail: detail)
        }
    }

    /// One line naming the file and the problem.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(path): cannot open (\(reason))"
        case let .missingDataset(path, dataset):
            return "\(path): dataset '\(dataset)' is missing"
        case let .missingAttribute(path, object, attribute):
            return "\(path): attribute '\(attribute)' is missing on '\(object)'"
        case let .unexpectedLayout(path, object, problem):
            return "\(path): '\(object)' \(problem)"
        case let .hdf5(path, object, operation):
            return "\(path): HDF5 failed to \(operation) '\(object)'"
        case let .incomplete(path, problem):
            return "\(path): incomplete file (\(problem)); delete it or rerun to rebuild it"
        case let .malformedCSV(path, line, problem):
            return "\(path):\(line): malformed CSV (\(problem))"
        case let .writeFailed(path, reason):
            return "\(path): write failed (\(reason))"
        case let .nonFinite(path, object, row, detail):
            return "\(path): '\(object)' row \(row)\(detail.isEmpty ? "" : " (\(detail))") holds NaN or infinity; the file was not written"
        }
    }
}
