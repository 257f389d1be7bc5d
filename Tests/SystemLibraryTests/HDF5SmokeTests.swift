import CHDF5
import XCTest

/// HDF5 creates a file with an int64 dataset and an attribute, and reads both back.
final class HDF5SmokeTests: XCTestCase {
    /// As `Store` does: no HDF5 clean-up at exit. Whichever test touches HDF5 first decides, and
    /// the disk-full tests leave files HDF5 cannot close (it would crash in its exit handler).
    override class func setUp() {
        super.setUp()
        H5dont_atexit()
    }

    func testCreateAndReadDataset() throws {
        slidemil_h5_silence_errors()
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path("smoke.h5")
        let values: [Int64] = [0, 256, 512, 768, 1024, 1280]

        let file = H5Fcreate(path, slidemil_h5f_acc_trunc(), slidemil_h5p_default(), slidemil_h5p_default())
        XCTAssertGreaterThanOrEqual(file, 0)
        var dims: [hsize_t] = [3, 2]
        let space = H5Screate_simple(2, &dims, nil)
        let dataset = H5Dcreate2(file, "coords", slidemil_h5t_native_int64(), space,
                                 slidemil_h5p_default(), slidemil_h5p_default(), slidemil_h5p_default())
        XCTAssertGreaterThanOrEqual(dataset, 0)
        XCTAssertGreaterThanOrEqual(H5Dwrite(dataset, slidemil_h5t_native_int64(), slidemil_h5s_all(), slidemil_h5s_all(), slidemil_h5p_default(), values), 0)
        let scalar = H5Screate(H5S_SCALAR)
        let attribute = H5Acreate2(dataset, "patch_size", slidemil_h5t_native_int64(), scalar, slidemil_h5p_default(), slidemil_h5p_default())
        var patchSize: Int64 = 256
        XCTAssertGreaterThanOrEqual(H5Awrite(attribute, slidemil_h5t_native_int64(), &patchSize), 0)
        H5Aclose(attribute); H5Sclose(scalar); H5Dclose(dataset); H5Sclose(space); H5Fclose(file)

        let reopened = H5Fopen(path, slidemil_h5f_acc_rdonly(), slidemil_h5p_default())
        XCTAssertGreaterThanOrEqual(reopened, 0)
        defer { H5Fclose(reopened) }
        let readSet = H5Dopen2(reopened, "coords", slidemil_h5p_default())
        defer { H5Dclose(readSet) }
        let readSpace = H5Dget_space(readSet)
        var readDims: [hsize_t] = [0, 0]
        XCTAssertEqual(H5Sget_simple_extent_dims(readSpace, &readDims, nil), 2)
        H5Sclose(readSpace)
        XCTAssertEqual(readDims, [3, 2])
        var readValues = [Int64](repeating: -1, count: 6)
        XCTAssertGreaterThanOrEqual(H5Dread(readSet, slidemil_h5t_native_int64(), slidemil_h5s_all(), slidemil_h5s_all(), slidemil_h5p_default(), &readValues), 0)
        XCTAssertEqual(readValues, values)
        let readAttribute = H5Aopen(readSet, "patch_size", slidemil_h5p_default())
        var readPatchSize: Int64 = 0
        XCTAssertGreaterThanOrEqual(H5Aread(readAttribute, slidemil_h5t_native_int64(), &readPatchSize), 0)
        H5Aclose(readAttribute)
        XCTAssertEqual(readPatchSize, 256)
    }

    func testOpeningAMissingFileFails() {
        slidemil_h5_silence_errors()
        XCTAssertLessThan(H5Fopen("/nonexistent/slidemil.h5", slidemil_h5f_acc_rdonly(), slidemil_h5p_default()), 0)
    }
}
