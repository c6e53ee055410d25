/// A cluster key that cannot be loaded.
public struct ClusterKeyError: Error, CustomStringConvertible {
    /// What is wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}
