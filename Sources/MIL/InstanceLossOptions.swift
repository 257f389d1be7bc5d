/// The CLAM-SB instance-clustering term of the loss: (1 − weight)·bag BCE + weight·instance loss.
public struct InstanceLossOptions: Codable, Equatable, Sendable {
    /// Share of the instance loss in the total, 0 (off) ..< 1; CLAM uses 0.3.
    public var weight: Float
    /// Instances pseudo-labelled per side (most and least attended), CLAM's `k_sample` 8.
    public var topK: Int

    /// Defaults: off (weight 0), k = 8.
    public init(weight: Float = 0, topK: Int = 8) {
        self.weight = weight
        self.topK = topK
    }
}
