/// A bitmap of tissue (1) and background (0), rows top to bottom.
public struct BinaryMask: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height` values, each 0 or 1.
    public var bits: [UInt8]

    /// A mask over existing bits (any nonzero value counts as set and is stored as 1).
    /// - Precondition: `bits.count == width * height`.
    public init(width: Int, height: Int, bits: [UInt8]) {
        precondition(width >= 0 && height >= 0 && bits.count == width * height,
                     "\(bits.count) values for a \(width) x \(height) mask")
        self.width = width
        self.height = height
        self.bits = bits.map { $0 == 0 ? 0 : 1 }
    }

    /// An all-clear (or all-set) mask.
    public init(width: Int, height: Int, value: Bool = false) {
        self.init(width: width, height: height, bits: [UInt8](repeating: value ? 1 : 0, count: width * height))
    }

    /// Whether (`x`, `y`) is set.
    public subscript(x: Int, y: Int) -> Bool {
        get { bits[y * width + x] != 0 }
        set { bits[y * width + x] = newValue ? 1 : 0 }
    }

    /// Number of set pixels.
    public var setCount: Int { bits.reduce(0) { $0 + Int($1) } }

    /// Intersection over union with another mask of the same size (1 when both are empty).
    public func intersectionOverUnion(_ other: BinaryMask) -> Double {
        precondition(width == other.width && height == other.height, "IoU of masks of different sizes")
        var both = 0
        var either = 0
        for index in bits.indices {
            both += Int(bits[index] & other.bits[index])
            either += Int(bits[index] | other.bits[index])
        }
        return either == 0 ? 1 : Double(both) / Double(either)
    }
}
