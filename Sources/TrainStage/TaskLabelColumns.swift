import Foundation
import MILTasks
import Store

/// Where the target of a bag is in a labels or instances CSV: a class label column, or a
/// follow-up time and an event flag for survival.
///
/// Survival columns default to `time` and `event` (1 = event observed); without them CLAM and
/// PORPOISE's `survival_months` and `censorship` (1 = censored) are used. An event column named
/// `censorship` is always read that way round.
public struct TaskLabelColumns: Sendable {
    public let task: TrainTask
    /// Column indices in the table.
    let label: Int?
    let time: Int?
    let event: Int?
    let eventIsCensorship: Bool
    let source: String

    /// Finds the columns of `task` in `table`.
    /// - Throws: `SlideTrainError.malformedInstances` (line 1) naming the missing column.
    public init(table: CSVTable, task: TrainTask, labelColumn: String = "label", timeColumn: String? = nil,
                eventColumn: String? = nil, source: String) throws {
        self.task = task
        self.source = source
        switch task {
        case .classification:
            guard let label = table.column(labelColumn) else {
                throw SlideTrainError.malformedInstances(path: source, line: 1, problem: "needs a '\(labelColumn)' column")
            }
            self.label = label
            time = nil; event = nil; eventIsCensorship = false
        case .survival:
            let timeName = timeColumn ?? (table.column("time") != nil ? "time" : "survival_months")
            let eventName = eventColumn ?? (table.column("event") != nil ? "event" : "censorship")
            guard let time = table.column(timeName), let event = table.column(eventName) else {
                throw SlideTrainError.malformedInstances(
                    path: source, line: 1,
                    problem: "survival needs '\(timeName)' and '\(eventName)' columns (or time/event, or survival_months/censorship; see --time-column, --event-column)")
            }
            label = nil
            self.time = time
            self.event = event
            eventIsCensorship = eventName.lowercased() == "censorship"
        }
    }

    /// The columns holding targets (not features).
    public var columns: Set<Int> { Set([label, time, event].compactMap { $0 }) }

    /// The target of one row: a class name, or an outcome.
    /// - Throws: `SlideTrainError.malformedInstances` naming the line for an empty label, a time
    ///   that is not a finite number ≥ 0, or an event flag other than 0/1/true/false.
    public func target(of row: [String], line: Int) throws -> RowTarget {
        func cell(_ column: Int) -> String { row[column].trimmingCharacters(in: .whitespaces) }
        if let label {
            let name = cell(label)
            guard !name.isEmpty else { throw SlideTrainError.malformedInstances(path: source, line: line, problem: "empty label") }
            return .label(name)
        }
        let timeText = cell(time!), eventText = cell(event!).lowercased()
        guard let value = Double(timeText), value.isFinite, value >= 0 else {
            throw SlideTrainError.malformedInstances(path: source, line: line, problem: "time '\(timeText)' is not a finite number ≥ 0")
        }
        let flag: Bool
        switch eventText {
        case "1", "1.0", "true", "yes": flag = true
        case "0", "0.0", "false", "no": flag = false
        default:
            throw SlideTrainError.malformedInstances(path: source, line: line, problem: "event flag '\(eventText)' is not 0 or 1")
        }
        return .outcome(SurvivalOutcome(time: value, event: eventIsCensorship ? !flag : flag))
    }
}

/// One CSV row's target before class names are numbered.
public enum RowTarget: Equatable, Sendable {
    case label(String)
    case outcome(SurvivalOutcome)
}
