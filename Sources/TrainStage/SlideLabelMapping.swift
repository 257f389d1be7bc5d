/// Which class name of a labels file is the positive (1) class of a binary model.
public struct SlideLabelMapping: Codable, Equatable, Sendable {
    /// Class name mapped to 1, e.g. `tumor`.
    public var positive: String
    /// Class name mapped to 0, e.g. `normal`.
    public var negative: String

    /// A mapping with these two class names.
    public init(positive: String, negative: String) {
        self.positive = positive
        self.negative = negative
    }

    /// Class names taken as positive when none is given, in order of preference.
    public static let conventionalPositives = ["1", "tumor", "positive", "true", "yes"]

    /// The mapping for the two `classes` of a labels file. Without `positive`, the first of
    /// `conventionalPositives` present (case-insensitively) is positive, else the last class in
    /// sorted order.
    /// - Throws: `SlideTrainError.notBinary` unless there are exactly two classes, and
    ///   `.unknownLabel` when `positive` is not one of them.
    public static func infer(classes: [String], positive: String?) throws -> SlideLabelMapping {
        let sorted = Array(Set(classes)).sorted()
        guard sorted.count == 2 else { throw SlideTrainError.notBinary(classes: sorted) }
        let chosen: String
        if let positive {
            guard sorted.contains(positive) else { throw SlideTrainError.unknownLabel(slide: "(--positive-class)", label: positive, classes: sorted) }
            chosen = positive
        } else {
            chosen = conventionalPositives.lazy.compactMap { name in sorted.first { $0.lowercased() == name } }.first ?? sorted[1]
        }
        return SlideLabelMapping(positive: chosen, negative: sorted.first { $0 != chosen }!)
    }

    /// The class name of a binary decision.
    public func name(_ isPositive: Bool) -> String { isPositive ? positive : negative }
}
