/// The default retention of a bucket with object lock (PutObjectLockConfiguration's `DefaultRetention`): every new
/// version that names no retention of its own is retained this long in this mode. Exactly one of days and years.
public struct DefaultRetention: Codable, Sendable, Hashable {
    /// The mode.
    public var mode: ObjectLockMode
    /// The period in days, if given in days.
    public var days: Int?
    /// The period in years, if given in years.
    public var years: Int?

    /// Creates a default retention.
    public init(mode: ObjectLockMode, days: Int? = nil, years: Int? = nil) {
        self.mode = mode
        self.days = days
        self.years = years
    }
}
