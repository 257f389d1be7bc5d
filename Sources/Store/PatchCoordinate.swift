/// The level-0 pixel position of a patch's top-left corner, as stored in `coords` datasets.
///
/// (`SlideIO.Level0Point` is the slide-side twin; Store sits below SlideIO and keeps its own.)
public struct PatchCoordinate: Hashable, Sendable, CustomStringConvertible {
    /// Column in level-0 pixels, growing to the right.
    public var x: Int
    /// Row in level-0 pixels, growing downwards.
    public var y: Int

    /// A corner at level-0 pixel (`x`, `y`).
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }

    /// `(x, y)`, for messages.
    public var description: String { "(\(x), \(y))" }

    /// Interleaves coordinates into the `(N, 2)` row-major layout of a `coords` dataset.
    static func flatten(_ coordinates: [PatchCoordinate]) -> [Int64] {
        var flat = [Int64]()
        flat.reserveCapacity(coordinates.count * 2)
        for point in coordinates {
            flat.append(Int64(point.x))
            flat.append(Int64(point.y))
        }
        return flat
    }

    /// Reads the `coords` dataset of `file`, accepting int32 or int64 `(N, 2)` storage.
    static func read(from file: HDF5File, dataset name: String = "coords") throws -> [PatchCoordinate] {
        let dataset = try file.dataset(name)
        let shape = try dataset.shape()
        let type = try dataset.elementType()
        guard shape.count == 2, shape[1] == 2 else {
            throw StoreError.unexpectedLayout(path: file.url.path, object: name, problem: "has shape \(shape); expected (N, 2)")
        }
        guard type.isInteger else {
            throw StoreError.unexpectedLayout(path: file.url.path, object: name, problem: "holds \(type); expected int32 or int64")
        }
        let flat = try dataset.read(as: Int64.self)
        return stride(from: 0, to: flat.count, by: 2).map { PatchCoordinate(x: Int(flat[$0]), y: Int(flat[$0 + 1])) }
    }
}
