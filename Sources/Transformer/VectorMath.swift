/// Vectorised elementwise functions on `Float` buffers, shared by the transformer layers.
///
/// `exp` follows the classic Cephes single-precision scheme (range reduction by ln 2 split in two
/// constants, a degree-6 polynomial, scaling by 2ⁿ through the exponent bits): about 1 ulp over
/// the clamped range [-87, 88], 16 lanes at a time.
public enum VectorMath {
    /// Lanes processed per step.
    public typealias Vector = SIMD16<Float>

    /// e^x for every lane; inputs are clamped to [-87, 88] (so e^x stays finite and normal).
    @inlinable
    public static func exp(_ x: Vector) -> Vector {
        // `replacing(with:where:)` compiles to vector compares and blends; `clamped` and
        // `pointwiseMax` run lane by lane.
        let low = Vector(repeating: -87), high = Vector(repeating: 88)
        let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        // Adding 1.5·2²³ rounds to the nearest integer and leaves it in the low mantissa bits, so
        // n is had without a float-to-int conversion (which Swift does lane by lane).
        let magic: Float = 12_582_912
        let shifted = clamped * 1.44269504088896341 + magic
        let n = shifted - magic
        var r = clamped - n * 0.693359375
        r = r + n * 2.12194440e-4
        var p = Vector(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        let exponent = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: Vector.self)
    }

    /// The error function for every lane: `x · P(x²) / Q(x²)` on x clamped to [-4, 4] (beyond
    /// which erf is ±1 in single precision), with the odd degree-13 / even degree-8 minimax
    /// rational approximation used by Eigen and TensorFlow for `float`: within 7e-8 of erf in exact
    /// arithmetic, 5e-7 in single precision (where erf nears ±1). One division and no exponential,
    /// so GELU costs about as much as a multiply-add pass.
    @inlinable
    public static func erf(_ x: Vector) -> Vector {
        let limit = Vector(repeating: 4)
        let clamped = x.replacing(with: -limit, where: x .< -limit).replacing(with: limit, where: x .> limit)
        let x2 = clamped * clamped
        var p = Vector(repeating: -2.72614225801306e-10)
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q = Vector(repeating: -1.45660718464996e-05)
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return clamped * p / q
    }

    /// e^x for one value, with the same polynomial as the vector form (for loop tails).
    @inlinable
    public static func exp(_ x: Float) -> Float {
        exp(Vector(repeating: x))[0]
    }

    /// Applies `vector` to whole 16-lane chunks of `buffer` and `scalar` to the remainder, in place.
    @inlinable
    public static func transform(_ buffer: UnsafeMutablePointer<Float>, count: Int,
                                 vector: (Vector) -> Vector, scalar: (Float) -> Float) {
        let lanes = Vector.scalarCount
        var index = 0
        while index + lanes <= count {
            let raw = UnsafeMutableRawPointer(buffer + index)
            raw.storeBytes(of: vector(raw.loadUnaligned(as: Vector.self)), as: Vector.self)
            index += lanes
        }
        while index < count {
            buffer[index] = scalar(buffer[index])
            index += 1
        }
    }

    /// The larger of each pair of lanes, vectorised (unlike `pointwiseMax`).
    @inlinable
    public static func maximum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: b .> a)
    }

    /// Loads 16 lanes from `pointer` (no alignment needed).
    @inlinable
    public static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    /// Stores 16 lanes at `pointer` (no alignment needed).
    @inlinable
    public static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }
}
