/// The kinds of process a KSAN cluster runs.
public enum ServiceKind: String, Codable, Sendable, CaseIterable {
    case gateway
    case osd
    case metadata
    case portal
    case worker
}
