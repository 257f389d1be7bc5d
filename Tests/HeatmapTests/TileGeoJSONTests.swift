import Foundation
import Heatmap
import XCTest

final class TileGeoJSONTests: XCTestCase {
    func testFeatureCollectionParsesBackWithOnePolygonPerTile() throws {
        let features = (0..<7).map { (index: Int) -> TileGeoJSON.Feature in
            let footprint = TileFootprint(x: 256 * index, y: 512, side: 256)
            let percentile = Double(index + 1) / 7 * 100
            return TileGeoJSON.Feature(footprint: footprint, attention: Double(index) / 10, percentile: percentile,
                                       classification: index == 6 ? "Tumor" : nil)
        }
        let data = try TileGeoJSON(objectType: .detection).encode(features)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(root["type"] as? String, "FeatureCollection")
        let parsed = try XCTUnwrap(root["features"] as? [[String: Any]])
        XCTAssertEqual(parsed.count, 7)
        for (index, feature) in parsed.enumerated() {
            XCTAssertEqual(feature["type"] as? String, "Feature")
            let geometry = try XCTUnwrap(feature["geometry"] as? [String: Any])
            XCTAssertEqual(geometry["type"] as? String, "Polygon")
            let rings = try XCTUnwrap(geometry["coordinates"] as? [[[Double]]])
            XCTAssertEqual(rings.count, 1)
            let x = Double(256 * index), right = x + 256
            let expected: [[Double]] = [[x, 512], [right, 512], [right, 768], [x, 768], [x, 512]]
            XCTAssertEqual(rings[0], expected)
            let properties = try XCTUnwrap(feature["properties"] as? [String: Any])
            XCTAssertEqual(properties["objectType"] as? String, "detection")
            let measurements = try XCTUnwrap(properties["measurements"] as? [String: Double])
            let attention = try XCTUnwrap(measurements["attention"])
            let percentile = try XCTUnwrap(measurements["attention_percentile"])
            XCTAssertEqual(attention, Double(index) / 10, accuracy: 1e-12)
            XCTAssertEqual(percentile, Double(index + 1) / 7 * 100, accuracy: 1e-9)
            let classification = properties["classification"] as? [String: Any]
            XCTAssertEqual(classification?["name"] as? String, index == 6 ? "Tumor" : nil)
        }
    }

    func testEmptyCollectionIsValid() throws {
        let data = try TileGeoJSON().encode([])
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual((root["features"] as? [Any])?.count, 0)
    }
}
