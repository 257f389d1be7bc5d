/// An axis-aligned rectangle in level-0 pixels: top-left corner plus size.
public struct Level0Rect: Hashable, Sendable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Whether level-0 pixel (`px`, `py`) lies inside (right and bottom edges excluded).
    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && py >= y && px < x + width && py < y + height
    }

    /// Whether the two rectangles share at least one pixel.
    public func intersects(_ other: Level0Rect) -> Bool {
        x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
    }
}
