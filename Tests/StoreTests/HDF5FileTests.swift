import Foundation
import Store
import XCTest

final class HDF5FileTests: XCTestCase {
    func testFixedDatasetsRoundTripEveryElementType() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("types.h5")
        let longs: [Int64] = [Int64.min, -1, 0, 1, Int64.max, 42]
        let ints: [Int32] = [Int32.min, -7, 0, 7, Int32.max]
        let floats: [Float] = [-.infinity, -1.5, 0, 1e-30, 3.25, .greatestFiniteMagnitude]
        let doubles: [Double] = [.pi, -2.5e300]
        do {
            let file = try HDF5File.create(at: url)
            try file.createDataset("longs", values: longs, shape: [3, 2])
            try file.createDataset("ints", values: ints, shape: [5])
            try file.createDataset("floats", values: floats, shape: [2, 3])
            try file.createDataset("doubles", values: doubles, shape: [2])
            file.close()
        }
        let file = try HDF5File.open(url)
        defer { file.close() }
        XCTAssertEqual(try file.dataset("longs").read(as: Int64.self), longs)
        XCTAssertEqual(try file.dataset("longs").shape(), [3, 2])
        XCTAssertEqual(try file.dataset("longs").elementType(), .signedInteger(bits: 64))
        XCTAssertEqual(try file.dataset("ints").read(as: Int32.self), ints)
        XCTAssertEqual(try file.dataset("ints").elementType(), .signedInteger(bits: 32))
        XCTAssertEqual(try file.dataset("floats").read(as: Float.self), floats)
        XCTAssertEqual(try file.dataset("floats").elementType(), .float(bits: 32))
        XCTAssertEqual(try file.dataset("doubles").read(as: Double.self), doubles)
        // HDF5 converts on read: int32 storage reads as Int64.
        XCTAssertEqual(try file.dataset("ints").read(as: Int64.self), ints.map(Int64.init))
        XCTAssertTrue(file.contains("floats"))
        XCTAssertFalse(file.contains("nothing"))
    }

    func testExtendableDatasetAppendsBatchesAndReadsRowRanges() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("grow.h5")
        let width = 3
        let file = try HDF5File.create(at: url)
        let dataset = try file.createDataset("rows", of: Float.self, shape: [0, width], extendable: true, chunkRows: 4)
        var expected: [Float] = []
        // Batches of uneven sizes, including an empty one, crossing chunk boundaries.
        for batch in [5, 0, 1, 7, 4] {
            let values = (0..<(batch * width)).map { Float(expected.count + $0) }
            try dataset.append(rows: values)
            expected += values
        }
        XCTAssertEqual(try dataset.shape(), [17, width])
        file.close()

        let reopened = try HDF5File.open(url)
        defer { reopened.close() }
        let rows = try reopened.dataset("rows")
        XCTAssertEqual(try rows.read(as: Float.self), expected)
        XCTAssertEqual(try rows.readRows(6..<9, as: Float.self), Array(expected[18..<27]))
        XCTAssertEqual(try rows.readRows(17..<17, as: Float.self), [])
        XCTAssertThrowsError(try rows.readRows(16..<18, as: Float.self))
    }

    func testAppendRejectsPartialRowsAndFixedDatasets() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try HDF5File.create(at: folder.file("bad.h5"))
        defer { file.close() }
        let grow = try file.createDataset("grow", of: Int64.self, shape: [0, 2], extendable: true)
        XCTAssertThrowsError(try grow.append(rows: [Int64(1), 2, 3]))
        let fixed = try file.createDataset("fixed", values: [Int64(1), 2], shape: [1, 2])
        XCTAssertThrowsError(try fixed.append(rows: [Int64(3), 4])) { error in
            XCTAssertTrue("\(error)".contains("fixed"), "\(error)")
        }
        XCTAssertThrowsError(try fixed.write([Int64(1)]))
        XCTAssertThrowsError(try file.createDataset("cube", of: Float.self, shape: [1, 2, 3]))
    }

    func testAttributesRoundTripOnFileAndDataset() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("attributes.h5")
        let values: [String: HDF5AttributeValue] = [
            "count": .integer(-12),
            "pair": .integers([2500, 1800]),
            "ratio": .real(0.2431),
            "downsample": .reals([4.00012, 3.99988]),
            "name": .string("slide ünicode, with \"quotes\""),
            "empty": .string(""),
        ]
        do {
            let file = try HDF5File.create(at: url)
            let dataset = try file.createDataset("coords", values: [Int64(0), 0], shape: [1, 2])
            for (name, value) in values {
                try file.attributes.set(name, value)
                try dataset.attributes.set(name, value)
            }
            // Replacing an attribute changes its type as well as its value.
            try dataset.attributes.set("count", .string("replaced"))
            file.close()
        }
        let file = try HDF5File.open(url)
        defer { file.close() }
        let dataset = try file.dataset("coords")
        for (name, value) in values {
            XCTAssertEqual(file.attributes[name], value, name)
            if name != "count" { XCTAssertEqual(dataset.attributes[name], value, name) }
        }
        XCTAssertEqual(dataset.attributes["count"], .string("replaced"))
        XCTAssertEqual(Set(dataset.attributes.names), Set(values.keys))
        XCTAssertNil(dataset.attributes["absent"])
        XCTAssertThrowsError(try dataset.attributes.value("absent")) { error in
            XCTAssertEqual(error as? StoreError, .missingAttribute(path: url.path, object: "coords", attribute: "absent"))
        }
    }

    func testAttributeValueConversions() {
        XCTAssertEqual(HDF5AttributeValue.real(40).integerValue, 40)
        XCTAssertNil(HDF5AttributeValue.real(40.5).integerValue)
        XCTAssertEqual(HDF5AttributeValue.integer(20).realValue, 20)
        XCTAssertEqual(HDF5AttributeValue.integers([7]).integerValue, 7)
        XCTAssertNil(HDF5AttributeValue.integers([7, 8]).integerValue)
        XCTAssertEqual(HDF5AttributeValue.integers([1, 2]).realValues, [1, 2])
        XCTAssertNil(HDF5AttributeValue.string("1").integerValue)
        XCTAssertNil(HDF5AttributeValue.integer(1).stringValue)
    }

    func testErrorsNameTheFileAndDataset() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let missing = folder.file("missing.h5")
        XCTAssertThrowsError(try HDF5File.open(missing)) { error in
            XCTAssertEqual(error as? StoreError, .cannotOpen(path: missing.path, reason: "no such file"))
        }
        let text = folder.file("text.h5")
        try Data("not hdf5 at all".utf8).write(to: text)
        XCTAssertThrowsError(try HDF5File.open(text)) { error in
            XCTAssertTrue("\(error)".contains(text.path) && "\(error)".contains("not an HDF5 file"), "\(error)")
        }
        let url = folder.file("one.h5")
        let file = try HDF5File.create(at: url)
        XCTAssertThrowsError(try file.dataset("features")) { error in
            XCTAssertEqual(error as? StoreError, .missingDataset(path: url.path, dataset: "features"))
            XCTAssertEqual("\(error)", "\(url.path): dataset 'features' is missing")
        }
        let dataset = try file.createDataset("x", values: [Float(1)], shape: [1])
        file.close()
        file.close()
        XCTAssertFalse(file.isOpen)
        XCTAssertThrowsError(try dataset.read(as: Float.self))
        XCTAssertThrowsError(try file.dataset("x"))
    }

    func testCloseFlushesWhileDatasetsAreStillReferenced() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("strong.h5")
        let file = try HDF5File.create(at: url)
        let dataset = try file.createDataset("v", of: Int32.self, shape: [0], extendable: true, chunkRows: 2)
        try dataset.append(rows: [Int32(5), 6, 7])
        file.close()
        // `dataset` is still alive here; the data must nevertheless be on disk.
        let reopened = try HDF5File.open(url)
        XCTAssertEqual(try reopened.dataset("v").read(as: Int32.self), [5, 6, 7])
        reopened.close()
        withExtendedLifetime(dataset) {}
    }

    func testConcurrentReadersAreSerialisedSafely() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("shared.h5")
        let values = (0..<1000).map { Float($0) }
        do {
            let file = try HDF5File.create(at: url)
            try file.createDataset("v", values: values, shape: [100, 10])
            file.close()
        }
        let failures = ManagedAtomicCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            do {
                let file = try HDF5File.open(url)
                let rows = try file.dataset("v").readRows(index..<(index + 10), as: Float.self)
                if rows != Array(values[(index * 10)..<((index + 10) * 10)]) { failures.increment() }
                file.close()
            } catch {
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}

/// A counter safe to bump from several threads.
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
