import Hummingbird
import NIOCore

/// The request context of the gateway's HTTP server: Hummingbird's core context plus the connection's channel,
/// through which a request that expects `100 Continue` is answered once its body is wanted.
public struct S3RequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connection the request arrived on.
    public let channel: any Channel

    /// Creates the context of a request that arrived on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
