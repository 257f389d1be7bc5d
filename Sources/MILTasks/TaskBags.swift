import MIL

/// Multi-class or survival bags held in memory: features and one `BagTarget` each.
public typealias TaskBags = LabelledBags<BagTarget>
