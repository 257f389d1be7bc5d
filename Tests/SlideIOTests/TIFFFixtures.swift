import Foundation

/// The tifffile-made TIFFs in Tests/Fixtures/tiff (see make_tiff_fixtures.py there).
enum TIFFFixture {
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tiff/\(name)").path
    }
}
