import Foundation

/// Tiles as a GeoJSON `FeatureCollection` that QuPath imports (File > Import objects): one
/// `Polygon` per tile in level-0 pixel coordinates (QuPath's image space), closed ring
/// clockwise from the top-left corner, with the attention as measurements.
public struct TileGeoJSON: Sendable {
    /// The QuPath object type each tile becomes.
    public enum ObjectType: String, CaseIterable, Sendable {
        /// QuPath tile objects (light-weight, shown like detections).
        case tile
        /// QuPath detections (what measurement maps and classifiers work on).
        case detection
    }

    /// One tile and what QuPath shows for it.
    public struct Feature: Sendable {
        /// Level-0 box of the tile.
        public var footprint: TileFootprint
        /// Raw attention score (the `attention` measurement).
        public var attention: Double
        /// Rank percentile 0...100 (the `attention_percentile` measurement).
        public var percentile: Double
        /// Optional QuPath class name (e.g. "Tumor"); omitted when nil.
        public var classification: String?

        /// A feature from its footprint, scores and optional class.
        public init(footprint: TileFootprint, attention: Double, percentile: Double, classification: String? = nil) {
            self.footprint = footprint
            self.attention = attention
            self.percentile = percentile
            self.classification = classification
        }
    }

    /// The object type written for every feature.
    public var objectType: ObjectType

    /// A writer for `objectType` objects.
    public init(objectType: ObjectType = .tile) {
        self.objectType = objectType
    }

    /// The FeatureCollection as UTF-8 JSON bytes (keys sorted, so output is reproducible).
    /// O(features).
    public func encode(_ features: [Feature]) throws -> Data {
        let objects: [[String: Any]] = features.map { feature in
            let box = feature.footprint
            let ring = [[box.x, box.y], [box.x + box.width, box.y], [box.x + box.width, box.y + box.height],
                        [box.x, box.y + box.height], [box.x, box.y]]
            var properties: [String: Any] = [
                "objectType": objectType.rawValue,
                "measurements": ["attention": feature.attention, "attention_percentile": feature.percentile],
            ]
            if let name = feature.classification { properties["classification"] = ["name": name] }
            return ["type": "Feature", "geometry": ["type": "Polygon", "coordinates": [ring]], "properties": properties]
        }
        return try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": objects],
                                          options: [.sortedKeys])
    }
}
