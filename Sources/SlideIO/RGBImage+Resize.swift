extension RGBImage {
    /// This image shrunk to `width` x `height` by area averaging (each output pixel is the mean of
    /// the source pixels it covers). Sizes larger than the source are clamped to the source size.
    /// - Complexity: O(source pixels).
    public func shrunk(toWidth width: Int, height: Int) -> RGBImage {
        let targetWidth = min(max(1, width), self.width), targetHeight = min(max(1, height), self.height)
        if targetWidth == self.width && targetHeight == self.height { return self }
        var averager = AreaAverager(sourceWidth: self.width, sourceHeight: self.height,
                                    outputWidth: targetWidth, outputHeight: targetHeight)
        averager.add(self, firstRow: 0)
        return averager.result()
    }
}
