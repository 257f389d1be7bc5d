import Foundation
import SlideIO
import SlideSynthesis
import Tiling

/// `slidemil bench tiling`: the tissue tiles of an Aperio-like slide read through OpenSlide,
/// through the direct libtiff + libjpeg-turbo reader (exact and reduced decoding) and, when it
/// can be started, through openslide-python in 1 and 2 processes, all in the same run.
///
/// The slide is written once into the work folder: 0.25 µm/px, JPEG (quality 80, YCbCr 4:2:0)
/// in 240 px tiles, levels at downsample 1, 4, 16, ... (the usual SVS layout: no 20x level), an
/// Aperio ImageDescription. Two tile sets are read: 20x (0.5 µm/px: 512 px read at level 0 and
/// shrunk to 256) and native (0.25 µm/px, 256 px read as is). Only reading is timed (segmentation
/// and the grid are done once beforehand); each SlideMIL reader uses `readers` threads.
public struct TilingBenchmark {
    /// What to measure.
    public struct Options: Sendable {
        /// Where the slide and the coordinate lists go (the slide is reused when present).
        public var workFolder: URL
        /// Level-0 size of the slide (default 24,000 x 18,000 px).
        public var width = 24_000
        public var height = 18_000
        /// SlideMIL reader threads (default 2).
        public var readers = 2
        /// Interpreter for the openslide-python reference; nil skips it.
        public var python: String? = "python3"
        /// The reference script.
        public var script = "scripts/bench-openslide-read.py"

        public init(workFolder: URL) {
            self.workFolder = workFolder
        }
    }

    /// One measured way of reading one tile set.
    public struct Measurement: Sendable {
        public let tileSet: String
        public let reader: String
        public let tiles: Int
        public let seconds: Double
        public var tilesPerSecond: Double { Double(tiles) / seconds }
    }

    private let options: Options
    private let log: (String) -> Void

    public init(options: Options, log: @escaping (String) -> Void) {
        self.options = options
        self.log = log
    }

    /// Runs every measurement, logging a line each and a ratio table; returns the measurements.
    /// - Throws: errors from writing, opening or reading the slide.
    @discardableResult
    public func run() throws -> [Measurement] {
        let path = try prepareSlide()
        let openSlide = try OpenSlideSlide(path: path)
        let segmentation = try TissueSegmenter(parameters: TissueSegmentationParameters()).segment(openSlide)
        var results: [Measurement] = []
        for (name, mpp) in [("20x", 0.5), ("native", 0.25)] {
            var parameters = TileGridParameters()
            parameters.target = .micronsPerPixel(mpp)
            let grid = try TileGrid(slide: openSlide, mask: segmentation.mask, parameters: parameters)
            let geometry = grid.geometry
            log("\(name): \(grid.coordinates.count) tissue tiles of \(geometry.outputSize) px, read as \(geometry.readSize) px at level \(geometry.level)")
            var set: [Measurement] = []
            func record(_ reader: String, _ seconds: Double, _ note: String = "") {
                set.append(Measurement(tileSet: name, reader: reader, tiles: grid.coordinates.count, seconds: seconds))
                log("  " + reader.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(format: "%7.2f s %8.1f tiles/s", seconds, set.last!.tilesPerSecond) + note)
            }
            // Every SlideMIL measurement opens the slide afresh: no decoded tile carries over.
            let viaOpenSlide = try timeStream(try OpenSlideSlide(path: path), geometry: geometry, coordinates: grid.coordinates,
                                              resampling: .exact)
            record("openslide (slidemil)", viaOpenSlide.seconds, String(format: "  (peak RSS %.0f MiB)", viaOpenSlide.peakMiB))
            for resampling in geometry.decodeReduction == nil ? [TileResampling.exact] : [.exact, .reducedDecode] {
                let direct = try JPEGTIFFSlide(wrapping: try OpenSlideSlide(path: path))
                let run = try timeStream(direct, geometry: geometry, coordinates: grid.coordinates, resampling: resampling)
                let cache = direct.cache.statistics
                record("direct \(resampling.rawValue)", run.seconds,
                       String(format: "  (peak RSS %.0f MiB; cache: %d hits, %d stored tiles decoded, %d MiB held)",
                              run.peakMiB, cache.hits, cache.misses, direct.cache.bytesHeld >> 20))
            }
            for processes in [1, 2] {
                if let seconds = referenceSeconds(path: path, name: name, geometry: geometry, coordinates: grid.coordinates, processes: processes) {
                    record("openslide-python \(processes) proc", seconds)
                }
            }
            if let reference = set.first(where: { $0.reader == "openslide-python 2 proc" }) {
                for measurement in set where measurement.reader != reference.reader {
                    log("  ratio " + measurement.reader.padding(toLength: 26, withPad: " ", startingAt: 0)
                        + String(format: "%5.2fx openslide-python 2 processes", reference.seconds / measurement.seconds))
                }
            }
            results += set
        }
        return results
    }

    /// Seconds to read every tile through a `TileStream`, and the process's peak resident memory
    /// (MiB) meanwhile.
    private func timeStream(_ slide: Slide, geometry: TileGeometry, coordinates: [Level0Point],
                            resampling: TileResampling) throws -> (seconds: Double, peakMiB: Double) {
        ExtractBenchmark.resetPeakResident()
        let start = Date()
        let stream = TileStream(slide: slide, geometry: geometry, coordinates: coordinates, batchSize: 32, readers: options.readers,
                                queueDepth: 2 * options.readers, policy: .stop, resampling: resampling)
        var read = 0
        while let batch = try stream.next() { read += batch.tiles.count }
        precondition(read == coordinates.count)
        return (Date().timeIntervalSince(start), ExtractBenchmark.residentMiB(field: "VmHWM"))
    }

    /// Seconds openslide-python takes for the same tiles, or nil when it cannot run.
    private func referenceSeconds(path: String, name: String, geometry: TileGeometry, coordinates: [Level0Point], processes: Int) -> Double? {
        guard let python = options.python else { return nil }
        let list = options.workFolder.appendingPathComponent("coordinates-\(name).csv")
        do {
            try coordinates.map { "\($0.x),\($0.y)" }.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
        } catch {
            log("  openslide-python skipped: cannot write \(list.path): \(error)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, options.script, path, list.path, String(geometry.level), String(geometry.readSize),
                             String(geometry.outputSize), String(processes)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            log("  openslide-python skipped: cannot start \(python): \(error)")
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let seconds = object["seconds"] as? Double else {
            log("  openslide-python skipped: \(python) \(options.script) failed (needs openslide-python and Pillow)")
            return nil
        }
        return seconds
    }

    /// Writes the benchmark slide once; returns its path.
    private func prepareSlide() throws -> String {
        try FileManager.default.createDirectory(at: options.workFolder, withIntermediateDirectories: true)
        let path = options.workFolder.appendingPathComponent("aperio-\(options.width)x\(options.height).svs").path
        if FileManager.default.fileExists(atPath: path) { return path }
        log("writing a \(options.width) x \(options.height) Aperio-like slide ...")
        let synthetic = try SyntheticSlide(.init(width: options.width, height: options.height, micronsPerPixel: 0.25, seed: 7, tumorCount: 2))
        let description = "Aperio Image Library v12.0.15 \r\n\(options.width)x\(options.height) [0,0 \(options.width)x\(options.height)] "
            + "(240x240) JPEG/RGB Q=80|AppMag = 40|MPP = 0.25"
        let writer = try PyramidalTIFFWriter(width: options.width, height: options.height, tileSize: 240, compression: .jpeg(quality: 80),
                                             downsampleFactor: 4, micronsPerPixel: MicronsPerPixel(x: 0.25, y: 0.25),
                                             imageDescription: description)
        try writer.write(to: path) { synthetic.region(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
        return path
    }
}
