extension BinaryMask {
    /// The connected tissue pieces (8-connected) with their holes (4-connected background pieces
    /// that do not touch the border), ordered by first pixel in raster order. O(width * height).
    public var regions: [TissueRegion] {
        let labelling = ComponentLabelling(mask: self)
        return labelling.regions()
    }

    /// Removes tissue pieces smaller than `minTissuePixels` (tissue pixels, holes excluded) and
    /// fills holes smaller than `minHolePixels` in the pieces that remain, as CLAM's contour
    /// filter does. When every piece is below the limit, the limit drops to a tenth of the largest
    /// piece, so that a small biopsy keeps its fragments (and loses only specks) instead of being
    /// reduced to nothing: `relaxedLimit` then gives the limit used, in pixels.
    public func removingSmallComponents(minTissuePixels: Int, minHolePixels: Int) -> (mask: BinaryMask, relaxedLimit: Int?) {
        let labelling = ComponentLabelling(mask: self)
        let stats = labelling.foregroundSizes
        var keep = stats.map { $0 >= minTissuePixels }
        var relaxedLimit: Int? = nil
        if let largest = stats.max(), !keep.contains(true) {
            let limit = max(1, largest / 10)
            keep = stats.map { $0 >= limit }
            relaxedLimit = limit
        }
        var out = [UInt8](repeating: 0, count: bits.count)
        for index in bits.indices {
            let label = labelling.labels[index]
            if label > 0 {
                out[index] = keep[Int(label) - 1] ? 1 : 0
            } else if label < 0 {
                let hole = Int(-label) - 1
                if let owner = labelling.holeOwner[hole], keep[owner], labelling.backgroundSizes[hole] < minHolePixels {
                    out[index] = 1
                }
            }
        }
        return (BinaryMask(width: width, height: height, bits: out), relaxedLimit)
    }
}

/// Labels of a mask: foreground pieces `1...n` (8-connected), background pieces `-1...-m`
/// (4-connected), with sizes, bounding boxes and which foreground piece encloses each hole.
struct ComponentLabelling {
    let width: Int
    let height: Int
    var labels: [Int32]
    var foregroundSizes: [Int] = []
    var foregroundBoxes: [(minX: Int, minY: Int, maxX: Int, maxY: Int)] = []
    var backgroundSizes: [Int] = []
    /// For each background piece, the enclosing foreground piece (0-based), or nil when it touches the border.
    var holeOwner: [Int?] = []

    init(mask: BinaryMask) {
        width = mask.width
        height = mask.height
        labels = [Int32](repeating: 0, count: mask.bits.count)
        var foregroundSizes: [Int] = []
        var foregroundBoxes: [(minX: Int, minY: Int, maxX: Int, maxY: Int)] = []
        var backgroundSizes: [Int] = []
        var ownerPixels: [Int?] = []
        let width = self.width, height = self.height
        var stack: [Int] = []
        stack.reserveCapacity(1024)
        mask.bits.withUnsafeBufferPointer { bits in
            labels.withUnsafeMutableBufferPointer { labels in
                for start in 0..<bits.count where labels[start] == 0 {
                    let isForeground = bits[start] != 0
                    let label: Int32 = isForeground ? Int32(foregroundSizes.count + 1) : -Int32(backgroundSizes.count + 1)
                    var size = 0
                    var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min
                    var touchesBorder = false
                    labels[start] = label
                    stack.append(start)
                    while let index = stack.popLast() {
                        size += 1
                        let y = index / width, x = index - y * width
                        if x < minX { minX = x }
                        if x > maxX { maxX = x }
                        if y < minY { minY = y }
                        if y > maxY { maxY = y }
                        if x == 0 || y == 0 || x == width - 1 || y == height - 1 { touchesBorder = true }
                        for dy in -1...1 {
                            let ny = y + dy
                            guard ny >= 0, ny < height else { continue }
                            for dx in -1...1 where dx != 0 || dy != 0 {
                                // Background connects only through edges, so that a diagonal gap
                                // in an 8-connected outline still closes a hole.
                                if !isForeground && dx != 0 && dy != 0 { continue }
                                let nx = x + dx
                                guard nx >= 0, nx < width else { continue }
                                let neighbour = ny * width + nx
                                if labels[neighbour] == 0 && (bits[neighbour] != 0) == isForeground {
                                    labels[neighbour] = label
                                    stack.append(neighbour)
                                }
                            }
                        }
                    }
                    if isForeground {
                        foregroundSizes.append(size)
                        foregroundBoxes.append((minX, minY, maxX, maxY))
                    } else {
                        backgroundSizes.append(size)
                        // The pixel above a hole's first raster pixel is tissue of the enclosing
                        // piece (not of an island inside the hole, which lies below the hole's top row).
                        ownerPixels.append(touchesBorder ? nil : start - width)
                    }
                }
            }
        }
        self.foregroundSizes = foregroundSizes
        self.foregroundBoxes = foregroundBoxes
        self.backgroundSizes = backgroundSizes
        // Owners were recorded as pixel indices; foreground labels are final only now.
        self.holeOwner = ownerPixels.map { $0.map { Int(labels[$0]) - 1 } }
    }

    func regions() -> [TissueRegion] {
        var holeCounts = [Int](repeating: 0, count: foregroundSizes.count)
        var holeAreas = [Int](repeating: 0, count: foregroundSizes.count)
        for (hole, owner) in holeOwner.enumerated() {
            guard let owner else { continue }
            holeCounts[owner] += 1
            holeAreas[owner] += backgroundSizes[hole]
        }
        return foregroundSizes.indices.map { index in
            let box = foregroundBoxes[index]
            return TissueRegion(x: box.minX, y: box.minY, width: box.maxX - box.minX + 1, height: box.maxY - box.minY + 1,
                                area: foregroundSizes[index], holeCount: holeCounts[index], holeArea: holeAreas[index])
        }
    }
}
