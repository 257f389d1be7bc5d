import Tensor

/// Which bags (by index) one fold trains on, watches for early stopping, and reports on.
public struct SlideFold: Codable, Equatable, Sendable {
    /// 1-based fold number.
    public var number: Int
    public var training: [Int]
    /// Bags for early stopping (may be empty: no early stopping).
    public var validation: [Int]
    /// Held-out bags the fold's metrics are computed on; when empty, metrics use `validation`.
    public var test: [Int]

    /// A fold with these bag indices.
    public init(number: Int, training: [Int], validation: [Int], test: [Int]) {
        self.number = number
        self.training = training
        self.validation = validation
        self.test = test
    }
}

/// Seeded, stratified splits of labelled bags into folds.
public enum SlideFoldPlan {
    /// Stratified k-fold cross-validation: each class is shuffled (seeded) and dealt round-robin to
    /// the k test folds, so test folds are disjoint, cover every bag and hold each class in
    /// proportions within one bag of each other. Each fold's remaining bags are split again,
    /// stratified, into training and `validationFraction` validation bags.
    /// - Throws: `SlideTrainError.tooFewSlides` when a class has fewer bags than folds.
    public static func kFold(labels: [Bool], folds k: Int, validationFraction: Double, seed: UInt64) throws -> [SlideFold] {
        try kFold(strata: labels.map { $0 ? 1 : 0 }, folds: k, validationFraction: validationFraction, seed: seed) {
            $0 == 1 ? "positive" : "negative"
        }
    }

    /// Stratified k-fold over any strata (class indices, or event flags of survival bags): each
    /// stratum, in ascending order, is shuffled (seeded) and dealt round-robin to the k test folds,
    /// continuing where the previous stratum stopped, so fold sizes stay within one bag and each
    /// stratum is spread evenly. `name` names a stratum in the error. Strata 0 and 1 must both occur.
    /// - Throws: `SlideTrainError.tooFewSlides` when a stratum has fewer bags than folds.
    public static func kFold(strata: [Int], folds k: Int, validationFraction: Double, seed: UInt64,
                             name: (Int) -> String = { "class \($0)" }) throws -> [SlideFold] {
        precondition(k >= 2, "k-fold needs at least 2 folds")
        var generator = SeededGenerator(seed: seed)
        var testFolds = [[Int]](repeating: [], count: k)
        var dealt = 0
        // Strata 0 and 1 are always dealt, so a missing binary class is reported, not skipped.
        for stratum in Set(strata).union([0, 1]).sorted() {
            let members = strata.indices.filter { strata[$0] == stratum }
            guard members.count >= k else {
                throw SlideTrainError.tooFewSlides(problem: "\(members.count) \(name(stratum)) bags for \(k) folds")
            }
            // Continue the deal where the other class stopped so fold sizes stay within one.
            for member in members.shuffled(using: &generator) {
                testFolds[dealt % k].append(member)
                dealt += 1
            }
        }
        return testFolds.enumerated().map { number, test in
            let testSet = Set(test)
            let rest = strata.indices.filter { !testSet.contains($0) }
            let (training, validation) = stratifiedSplit(rest, strata: strata, fraction: validationFraction, generator: &generator)
            return SlideFold(number: number + 1, training: training, validation: validation, test: test.sorted())
        }
    }

    /// Predefined cross-validation folds from a `fold` column (any names, e.g. 0-4): fold i tests
    /// the bags named by the i-th distinct value in sorted order (numerically when all are integers)
    /// and trains on the rest, of which a stratified `validationFraction` validates. Bags without a
    /// value are never tested (they train or validate).
    /// - Throws: `SlideTrainError.tooFewSlides` with fewer than two distinct values.
    public static func fromFoldColumn(_ values: [String?], labels: [Bool], validationFraction: Double, seed: UInt64) throws -> [SlideFold] {
        try fromFoldColumn(values, strata: labels.map { $0 ? 1 : 0 }, validationFraction: validationFraction, seed: seed)
    }

    /// `fromFoldColumn(_:labels:validationFraction:seed:)` with the validation bags stratified by `strata`.
    public static func fromFoldColumn(_ values: [String?], strata: [Int], validationFraction: Double, seed: UInt64) throws -> [SlideFold] {
        let names = Set(values.compactMap { $0 })
        let ordered = names.allSatisfy { Int($0) != nil } ? names.sorted { Int($0)! < Int($1)! } : names.sorted()
        guard ordered.count >= 2 else {
            throw SlideTrainError.tooFewSlides(problem: "the fold column names \(ordered.count) fold(s); cross-validation needs 2 or more")
        }
        var generator = SeededGenerator(seed: seed)
        return ordered.enumerated().map { number, name in
            let test = values.indices.filter { values[$0] == name }
            let rest = values.indices.filter { values[$0] != name }
            let (training, validation) = stratifiedSplit(rest, strata: strata, fraction: validationFraction, generator: &generator)
            return SlideFold(number: number + 1, training: training, validation: validation, test: test)
        }
    }

    /// One fold from a `split` column: `train` rows train, `val`/`validation` rows validate, `test`
    /// rows are held out. Rows with another or no split name are ignored.
    /// - Throws: `SlideTrainError.tooFewSlides` without training bags.
    public static func fromSplitColumn(_ splits: [String?]) throws -> SlideFold {
        func rows(_ names: Set<String>) -> [Int] { splits.indices.filter { splits[$0].map { names.contains($0.lowercased()) } ?? false } }
        let training = rows(["train", "training"])
        guard !training.isEmpty else { throw SlideTrainError.tooFewSlides(problem: "the split column names no 'train' slide") }
        return SlideFold(number: 1, training: training, validation: rows(["val", "validation"]), test: rows(["test"]))
    }

    /// One seeded stratified train/validation split of all bags (`validationFraction` validates).
    public static func holdOut(labels: [Bool], validationFraction: Double, seed: UInt64) -> SlideFold {
        holdOut(strata: labels.map { $0 ? 1 : 0 }, validationFraction: validationFraction, seed: seed)
    }

    /// One seeded split of all bags, stratified by `strata` (`validationFraction` of each validates).
    public static func holdOut(strata: [Int], validationFraction: Double, seed: UInt64) -> SlideFold {
        var generator = SeededGenerator(seed: seed)
        let (training, validation) = stratifiedSplit(Array(strata.indices), strata: strata, fraction: validationFraction, generator: &generator)
        return SlideFold(number: 1, training: training, validation: validation, test: [])
    }

    /// Splits `indices` so that about `fraction` of each stratum validates, leaving each stratum at
    /// least one training bag. Strata are visited in ascending order.
    static func stratifiedSplit(_ indices: [Int], strata: [Int], fraction: Double,
                                generator: inout SeededGenerator) -> (training: [Int], validation: [Int]) {
        var training: [Int] = [], validation: [Int] = []
        // Both binary strata are always visited (an empty one draws nothing), as before strata existed.
        for stratum in Set(strata).union([0, 1]).sorted() {
            let members = indices.filter { strata[$0] == stratum }.shuffled(using: &generator)
            let count = min(max(0, members.count - 1), Int((Double(members.count) * fraction).rounded()))
            validation += members.prefix(count)
            training += members.dropFirst(count)
        }
        return (training.sorted(), validation.sorted())
    }
}
