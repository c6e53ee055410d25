import Foundation
import HTTPTypes
import Hummingbird
import KSANMetadata

/// The users' own credential API of the NHN guide (`../shared/spec/002`): `POST` and `GET
/// /v2.0/users/{user}/credentials/OS-EC2` and `DELETE .../OS-EC2/{access}`, authenticated by `X-Auth-Token` (a
/// ``UserToken`` an administrator issued to that user), with the guide's JSON shapes and OpenStack Identity errors.
/// A token reaches only its own user's keys.
public struct CredentialRoutes: Sendable {
    let store: PostgresMetadataStore

    public init(store: PostgresMetadataStore) {
        self.store = store
    }

    /// The prefix of every path here (the portal's API key is not asked for under it).
    public static let prefix = "/v2.0/"

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let store = self.store
        let credentials = router.group("v2.0/users/:user/credentials/OS-EC2")
        credentials.post { request, context in
            try await Self.answering {
                let user = try await Self.authorize(request, context, store)
                let body = try await PortalJSON.body(CreateEC2CredentialRequest.self, of: request)
                guard (1...64).contains(body.tenantId.count) else {
                    throw KeystoneError(.badRequest, "tenant_id is 1 to 64 characters")
                }
                let (key, secret) = try await store.createAccessKey(userId: user, tenantId: body.tenantId)
                return try PortalJSON.response(
                    EC2CredentialList([
                        EC2Credential(access: key.accessKeyId, secret: secret, tenantId: body.tenantId, userId: user)
                    ]),
                    status: .created)
            }
        }
        credentials.get { request, context in
            try await Self.answering {
                let user = try await Self.authorize(request, context, store)
                return try PortalJSON.response(EC2CredentialList(try await store.ec2Credentials(userId: user)))
            }
        }
        credentials.delete(":access") { request, context in
            try await Self.answering {
                let user = try await Self.authorize(request, context, store)
                try await store.deleteAccessKey(id: PortalRoutes.parameter("access", context), userId: user)
                return Response(status: .noContent)
            }
        }
    }

    /// The user of the request's token, who must be the path's: 401 without a valid token, 403 for another user.
    static func authorize(_ request: Request, _ context: some RequestContext, _ store: PostgresMetadataStore)
        async throws -> String
    {
        guard let name = HTTPField.Name("X-Auth-Token"), let presented = request.headers[name],
            let token = UserToken(presented: presented),
            let user = try await store.userId(forTokenHash: token.hash)
        else {
            throw KeystoneError.unauthorized
        }
        guard try PortalRoutes.parameter("user", context) == user else {
            throw KeystoneError(.forbidden, "You are not authorized to perform the requested action.")
        }
        return user
    }

    /// Runs a handler, answering its errors in the OpenStack shape.
    static func answering(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as KeystoneError {
            throw error
        } catch let error as PortalError {
            throw KeystoneError(error.status, error.message)
        } catch let error as MetadataError {
            let portal = PortalError(error)
            throw KeystoneError(
                portal.status, portal.status == .notFound ? "Could not find credential." : portal.message)
        }
    }
}
