/// One epoch of `MILTrainer`: the training loss and, with validation bags, the validation loss
/// and the objective's measures.
///
/// Encoded flat: `epoch`, `trainingLoss`, `validationLoss` and the measures' own keys
/// (`validationAUC` and `validationAccuracy` for binary bags, `validationMeasure` for tasks).
public struct MILEpochRecord<Measures: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    public let epoch: Int
    /// Mean loss over the epoch's training bags, weighted as the objective weighs them, with the
    /// instance term when there is one (without the elastic-net term).
    public let trainingLoss: Float
    /// The objective's validation loss; nil without validation bags.
    public let validationLoss: Float?
    /// The objective's measures on the validation bags; nil without validation bags.
    public let validation: Measures?

    public init(epoch: Int, trainingLoss: Float, validationLoss: Float?, validation: Measures?) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.validationLoss = validationLoss
        self.validation = validation
    }

    private enum CodingKeys: String, CodingKey {
        case epoch, trainingLoss, validationLoss
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try container.decode(Int.self, forKey: .epoch)
        trainingLoss = try container.decode(Float.self, forKey: .trainingLoss)
        validationLoss = try container.decodeIfPresent(Float.self, forKey: .validationLoss)
        validation = validationLoss == nil ? nil : try Measures(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(epoch, forKey: .epoch)
        try container.encode(trainingLoss, forKey: .trainingLoss)
        try container.encodeIfPresent(validationLoss, forKey: .validationLoss)
        try validation?.encode(to: encoder)
    }
}
