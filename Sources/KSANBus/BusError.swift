/// What the bus reports to its users.
public enum BusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broker could not be reached, or did not confirm, within the publication's time limit.
    case unavailable(String)
    /// The broker refused a publication (a negative confirm) until the time limit.
    case refused(String)
    /// The bus was shut down.
    case closed
    /// A configuration value is unusable (a malformed URL).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "message bus unavailable: \(reason)"
        case .refused(let reason): "message bus refused the publication: \(reason)"
        case .closed: "message bus closed"
        case .invalidConfiguration(let reason): "message bus configuration: \(reason)"
        }
    }
}
