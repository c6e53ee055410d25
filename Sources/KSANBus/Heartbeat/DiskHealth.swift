/// What an OSD concludes of a disk from its recent failures, sent with the disk's space in each heartbeat: Weak
/// (failing now and then) or Bad (failing). The metadata service raises the disk's state to it (never lowers it:
/// an operator sets a replaced disk Good again).
public enum DiskHealth: String, Codable, Sendable, CaseIterable {
    case weak = "Weak"
    case bad = "Bad"
}
