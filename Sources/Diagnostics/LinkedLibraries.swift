import CBLAS
import CHDF5
import COpenSlide
import CPNG
import CTIFF
import CTurboJPEG
import CZlib
import Tensor

/// One native library SlideMIL links against, as found at run time.
public struct LinkedLibrary: Sendable, Equatable {
    /// Display name, e.g. "OpenSlide".
    public let name: String
    /// Version as the library reports it (dotted numbers), or `nil` when it could not be read.
    public let version: String?
    /// Extra facts worth printing (OpenBLAS core and thread count, for instance).
    public let details: String?

    public init(name: String, version: String?, details: String?) {
        self.name = name
        self.version = version
        self.details = details
    }

    /// Whether `version` looks like a release number: two or three dot-separated integers.
    public var isWellFormed: Bool {
        guard let version else { return false }
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        return (2...3).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}

/// Queries every native library for its version, the checks behind `slidemil doctor`.
public enum LinkedLibraries {
    /// The libraries in the order `doctor` prints them.
    public static func probe() -> [LinkedLibrary] {
        [openSlide(), libtiff(), turboJPEG(), libpng(), openBLAS(), oneDNN(), hdf5(), zlib()]
    }

    static func openSlide() -> LinkedLibrary {
        LinkedLibrary(name: "OpenSlide", version: openslide_get_version().map { String(cString: $0) }, details: nil)
    }

    static func libtiff() -> LinkedLibrary {
        // "LIBTIFF, Version 4.5.0\nCopyright ..."
        let banner = TIFFGetVersion().map { String(cString: $0) } ?? ""
        let version = banner.split(whereSeparator: { $0 == " " || $0 == "\n" })
            .first(where: { $0.first?.isNumber == true })
            .map(String.init)
        return LinkedLibrary(name: "libtiff", version: version, details: nil)
    }

    static func turboJPEG() -> LinkedLibrary {
        // TurboJPEG 2.x reports no version at run time: give the headers' release, and only when a
        // decompressor actually starts (the library loads and works).
        guard let handle = tjInitDecompress() else {
            return LinkedLibrary(name: "libjpeg-turbo", version: nil, details: "TurboJPEG cannot start a decompressor")
        }
        tjDestroy(handle)
        let number = Int(slidemil_turbojpeg_header_version())
        var factors: Int32 = 0
        _ = tjGetScalingFactors(&factors)
        return LinkedLibrary(name: "libjpeg-turbo", version: "\(number / 1_000_000).\(number / 1000 % 1000).\(number % 1000)",
                             details: "TurboJPEG, \(factors) decode scales")
    }

    static func libpng() -> LinkedLibrary {
        LinkedLibrary(name: "libpng", version: png_get_libpng_ver(nil).map { String(cString: $0) }, details: nil)
    }

    static func openBLAS() -> LinkedLibrary {
        // "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"
        let config = openblas_get_config().map { String(cString: $0) } ?? ""
        let words = config.split(separator: " ")
        let version = words.count > 1 && words[0] == "OpenBLAS" ? String(words[1]) : nil
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        return LinkedLibrary(
            name: "OpenBLAS", version: version,
            details: "core \(core), \(openblas_get_num_threads()) threads"
        )
    }

    static func oneDNN() -> LinkedLibrary {
        let cap = DNNL.requestedISA.map { ", capped by SLIDEMIL_CPU_ISA=\($0)" } ?? ""
        return LinkedLibrary(name: "oneDNN", version: DNNL.version, details: "kernels \(DNNL.effectiveISA)\(cap); convolutions \(DNNL.convolutionAlgorithmDescription)")
    }

    static func hdf5() -> LinkedLibrary {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        let status = H5get_libversion(&major, &minor, &release)
        return LinkedLibrary(name: "HDF5", version: status >= 0 ? "\(major).\(minor).\(release)" : nil, details: nil)
    }

    static func zlib() -> LinkedLibrary {
        LinkedLibrary(name: "zlib", version: zlibVersion().map { String(cString: $0) }, details: nil)
    }
}
