import Foundation

/// RGB ↔ CIE L*a*b* (D65 white, sRGB companding) as torchstain's Reinhard normaliser computes it,
/// with L in 0…100 and a, b centred on 0, for colour statistics of H&E tiles.
///
/// torchstain stores L·2.55 and a+128, b+128 (OpenCV's 8-bit layout) between its steps; the
/// scalings cancel, so they are left out here.
enum LabColor {
    private static let rgbToXYZ: [[Float]] = [[0.412453, 0.357580, 0.180423],
                                             [0.212671, 0.715160, 0.072169],
                                             [0.019334, 0.119193, 0.950227]]
    /// The inverse of `rgbToXYZ`, computed once in double precision.
    private static let xyzToRGB: [[Float]] = {
        let m = rgbToXYZ.map { $0.map(Double.init) }
        let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        let cofactors: [[Double]] = [
            [m[1][1] * m[2][2] - m[1][2] * m[2][1], m[0][2] * m[2][1] - m[0][1] * m[2][2], m[0][1] * m[1][2] - m[0][2] * m[1][1]],
            [m[1][2] * m[2][0] - m[1][0] * m[2][2], m[0][0] * m[2][2] - m[0][2] * m[2][0], m[0][2] * m[1][0] - m[0][0] * m[1][2]],
            [m[1][0] * m[2][1] - m[1][1] * m[2][0], m[0][1] * m[2][0] - m[0][0] * m[2][1], m[0][0] * m[1][1] - m[0][1] * m[1][0]],
        ]
        return cofactors.map { $0.map { Float($0 / det) } }
    }()
    private static let white: [Float] = [0.95047, 1, 1.08883]

    /// L*a*b* of an 8-bit RGB pixel.
    static func lab(red: UInt8, green: UInt8, blue: UInt8) -> (Float, Float, Float) {
        let linear = [red, green, blue].map { value -> Float in
            let c = Float(value) / 255
            return c > 0.04045 ? powf((c + 0.055) / 1.055, 2.4) : c / 12.92
        }
        var f = [Float](repeating: 0, count: 3)
        for row in 0..<3 {
            let xyz = (rgbToXYZ[row][0] * linear[0] + rgbToXYZ[row][1] * linear[1] + rgbToXYZ[row][2] * linear[2]) / white[row]
            f[row] = xyz > 0.008856 ? cbrtf(xyz) : 7.787 * xyz + 16 / 116
        }
        return (116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2]))
    }

    /// The 8-bit RGB pixel of L*a*b*, clipped to 0…1 then scaled by 255 and truncated, as
    /// torchstain's `(lab2rgb(lab) * 255).astype(uint8)`.
    static func rgb(l: Float, a: Float, b: Float) -> (UInt8, UInt8, UInt8) {
        let y = (l + 16) / 116
        var xyz = [a / 500 + y, y, y - b / 200]
        for index in 0..<3 {
            let v = xyz[index]
            xyz[index] = (v > 0.2068966 ? v * v * v : (v - 16.0 / 116) / 7.787) * white[index]
        }
        var out: [UInt8] = [0, 0, 0]
        for row in 0..<3 {
            var c = xyzToRGB[row][0] * xyz[0] + xyzToRGB[row][1] * xyz[1] + xyzToRGB[row][2] * xyz[2]
            c = c > 0.0031308 ? 1.055 * powf(c, 1 / 2.4) - 0.055 : c * 12.92
            out[row] = UInt8(min(max(c, 0), 1) * 255)
        }
        return (out[0], out[1], out[2])
    }
}
