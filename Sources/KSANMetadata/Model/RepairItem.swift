/// A queued repair: the data's layout and the number of the latest report of damage to it.
///
/// A report made while a repair runs gets a new number, so acknowledging the repair (which names the number it
/// read) never drops that later report.
public struct RepairItem: Codable, Sendable, Hashable {
    /// The data to repair.
    public var layout: DataLayout
    /// The latest report's number.
    public var report: Int64

    /// Creates an item.
    public init(layout: DataLayout, report: Int64) {
        self.layout = layout
        self.report = report
    }
}
