import ArgumentParser
import Diagnostics
import Foundation
import RunSupport

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Print the versions of the native libraries SlideMIL is linked against.",
        discussion: """
        Lists OpenSlide, libtiff, libjpeg-turbo (TurboJPEG), libpng, OpenBLAS (with the CPU kernels in \
        use), oneDNN (with the instruction set its kernels use; SLIDEMIL_CPU_ISA=avx512|avx2|sse41 caps \
        it, and the convolution algorithm; SLIDEMIL_CONV_ALGORITHM=direct|winograd|auto forces it), HDF5 and zlib as loaded at run time. Exits with status 1 when a library cannot report a \
        well-formed version: \
        run it first when a build works but a command fails to open slides or write files.

        Example:
          slidemil doctor
        """
    )

    func run() throws {
        let libraries = LinkedLibraries.probe()
        let width = libraries.map(\.name.count).max() ?? 0
        print("SlideMIL \(SlideMILVersion.current)")
        for library in libraries {
            let name = library.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let version = library.version ?? "not available"
            let details = library.details.map { " (\($0))" } ?? ""
            print("  \(name)  \(version)\(details)")
        }
        let broken = libraries.filter { !$0.isWellFormed }
        if !broken.isEmpty {
            FileHandle.standardError.write(Data("slidemil: cannot load \(broken.map(\.name).joined(separator: ", "))\n".utf8))
            throw ExitCode.failure
        }
    }
}
