import Foundation
import Hummingbird
import KSANMetadata
import Logging

/// Joining hosts to the cluster: the operator makes join tokens (`/api/v1/join-tokens`, behind the API key), and a
/// new host trades one for the cluster key and addresses (`POST /api/v1/join`, authenticated by the token alone).
/// A token that is unknown, wrong, expired or used up gets the same 401 as a wrong API key.
public struct JoinRoutes: Sendable {
    let store: PostgresMetadataStore
    let settings: JoinSettings
    let logger: Logger

    /// The path a joining host posts to (open: the token is its credential).
    public static let joinPath = "/api/v1/join"

    public init(store: PostgresMetadataStore, settings: JoinSettings, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let store = self.store
        let settings = self.settings
        let logger = self.logger
        let api = router.group("api/v1")
        api.get("join-tokens") { _, _ in
            try PortalJSON.response(ItemList(try await store.listJoinTokens().map(JoinTokenView.init)))
        }
        api.post("join-tokens") { request, _ in
            let body = try await PortalJSON.body(CreateJoinTokenRequest.self, of: request)
            let ttl = body.ttlSeconds ?? 3_600
            guard (60...604_800).contains(ttl) else {
                throw PortalError.badRequest("ttlSeconds must be 60 to 604800 (7 days)")
            }
            let uses = body.uses ?? 1
            guard (1...1_000).contains(uses) else { throw PortalError.badRequest("uses must be 1 to 1000") }
            let description = body.description ?? ""
            guard description.isEmpty || PostgresMetadataStore.isValidName(description) else {
                throw PortalError.badRequest("A description is at most 64 characters, without control characters")
            }
            let token = JoinToken.generate()
            let record = try await store.saveJoinToken(
                id: token.id, secretHash: token.secretHash, description: description,
                expiresAt: Date(timeIntervalSinceNow: Double(ttl)), uses: uses)
            return try PortalJSON.response(
                CreatedJoinToken(
                    id: record.id, token: token.text, description: record.description, expiresAt: record.expiresAt,
                    usesLeft: record.usesLeft),
                status: .created)
        }
        api.delete("join-tokens/:id") { _, context in
            try await store.deleteJoinToken(id: PortalRoutes.parameter("id", context))
            return Response(status: .noContent)
        }
        api.post("join") { request, _ in
            let body = try await PortalJSON.body(JoinRequest.self, of: request)
            guard let token = JoinToken(body.token) else { throw PortalError.unauthorized }
            guard PostgresMetadataStore.isValidResourceId(body.hostId) else {
                throw PortalError.badRequest("A host id is 1 to 64 letters, digits, '.', '_' or '-'")
            }
            // The token is checked before anything else is said: without a valid one, every answer is this 401.
            guard let record = try await store.joinToken(id: token.id), token.matches(record) else {
                logger.notice(
                    "Join refused", metadata: ["ksan.joinToken": "\(token.id)", "ksan.reason": "unknown or wrong"])
                throw PortalError.unauthorized
            }
            guard let clusterKey = settings.clusterKey else {
                throw PortalError(
                    .serviceUnavailable, "ServiceUnavailable",
                    "This portal cannot let hosts join: it was started without the cluster key (--cluster-key-file)")
            }
            let metadataURL = try await Self.metadataURL(settings, store)
            let redemption = try await store.redeemJoinToken(id: token.id, host: body.hostId) { token.matches($0) }
            guard case .accepted(let usesOne) = redemption else {
                logger.notice(
                    "Join refused",
                    metadata: [
                        "ksan.joinToken": "\(token.id)", "ksan.host": "\(body.hostId)",
                        "ksan.reason": "\(redemption.map { "\($0)" } ?? "removed meanwhile")",
                    ])
                throw PortalError.unauthorized
            }
            logger.info(
                "Host joined",
                metadata: [
                    "ksan.joinToken": "\(token.id)", "ksan.host": "\(body.hostId)", "ksan.newHost": "\(usesOne)",
                ])
            return try PortalJSON.response(
                JoinAnswer(clusterKey: clusterKey, metadataUrl: metadataURL, amqpUrl: settings.amqpURL))
        }
    }

    /// The metadata URL to hand out: the configured one, else the first online metadata service's.
    static func metadataURL(_ settings: JoinSettings, _ store: PostgresMetadataStore) async throws -> String {
        if let url = settings.metadataURL { return url }
        let now = Date()
        let online = try await store.listServices()
            .filter { $0.kind == .metadata && $0.state(at: now) == .online }
            .sorted { $0.lastHeartbeat > $1.lastHeartbeat }
        guard let service = online.first else {
            throw PortalError(
                .serviceUnavailable, "ServiceUnavailable",
                "No metadata service is online to hand out: start one, or give the portal --metadata-url")
        }
        return "http://" + service.endpoint
    }
}
