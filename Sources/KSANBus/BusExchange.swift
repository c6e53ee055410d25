/// The exchanges of the cluster's bus (topic exchanges: subscribers choose routing keys by ``TopicPattern``).
public enum BusExchange {
    /// Topology and configuration changes, service heartbeats, disk states.
    public static let control = "ksan.control"
    /// Object events (created, deleted, bucket configuration changed), for the worker and notifications.
    public static let objects = "ksan.objects"
}
