/// Moves between NCHW and channel-major [C, N·H·W], the layout a batched gemm produces and
/// consumes. Both directions are plain strided copies, parallel over channels.
public enum ChannelLayout {
    /// [N, C, P] (P = H·W) to [C, N·P].
    public static func channelMajor(fromNCHW source: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int, into destination: UnsafeMutablePointer<Float>) {
        ParallelFor.run(channels) { range in
            for c in range {
                for n in 0..<batch {
                    (destination + (c * batch + n) * plane).update(from: source + (n * channels + c) * plane, count: plane)
                }
            }
        }
    }

    /// [C, N·P] to [N, C, P].
    public static func nchw(fromChannelMajor source: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int, into destination: UnsafeMutablePointer<Float>) {
        ParallelFor.run(channels) { range in
            for c in range {
                for n in 0..<batch {
                    (destination + (n * channels + c) * plane).update(from: source + (c * batch + n) * plane, count: plane)
                }
            }
        }
    }
}
