import AsyncHTTPClient
import KSANCore
import KSANMetadata
import NIOCore

/// The clients a process of the data path (gateway, worker) reaches the cluster with: one HTTP client for metadata
/// and OSDs, and the metadata client over it.
public enum ClusterClients {
    /// The shared HTTP client: 3 s to connect, 60 s per read, up to 64 connections per host.
    public static func httpClient() -> HTTPClient {
        HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                timeout: .init(connect: .seconds(3), read: .seconds(60)),
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
    }

    /// The metadata service at `url`, each call given up after `timeout`.
    public static func metadata(url: String, timeout: Duration, clusterKey: ClusterKey?, httpClient: HTTPClient)
        -> MetadataClient
    {
        let parts = timeout.components
        return MetadataClient(
            baseURL: url, httpClient: httpClient,
            timeout: .nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000),
            clusterKey: clusterKey)
    }
}
