/// The validation measure of a multi-class or survival task: the macro one-vs-rest AUC or
/// Harrell's c-index; nil when undefined (one class, no comparable pair). Encoded as
/// `validationMeasure` in `MILEpochRecord`.
public struct TaskMeasure: Codable, Equatable, Sendable {
    public let measure: Double?

    public init(_ measure: Double?) { self.measure = measure }

    private enum CodingKeys: String, CodingKey {
        case measure = "validationMeasure"
    }
}
