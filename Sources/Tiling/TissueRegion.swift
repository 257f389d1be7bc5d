/// One connected piece of tissue in a mask (8-connected), in pixels of that mask.
public struct TissueRegion: Equatable, Sendable {
    /// Left column of the bounding box.
    public let x: Int
    /// Top row of the bounding box.
    public let y: Int
    /// Bounding-box width.
    public let width: Int
    /// Bounding-box height.
    public let height: Int
    /// Tissue pixels of the region (holes excluded).
    public let area: Int
    /// Enclosed background pieces (4-connected, not touching the mask border).
    public let holeCount: Int
    /// Background pixels inside those holes.
    public let holeArea: Int

    public init(x: Int, y: Int, width: Int, height: Int, area: Int, holeCount: Int, holeArea: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.area = area
        self.holeCount = holeCount
        self.holeArea = holeArea
    }
}
