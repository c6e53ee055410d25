/// What the gateway knows about an incoming request before authentication, in the form SigV4 needs.
///
/// Everything is kept exactly as it came off the wire: the path and query are still percent-encoded, and
/// header names keep whatever case the client used. The canonicalization in ``SigV4`` decides how to
/// normalise them, so that the server computes the same canonical request the client signed.
public struct SigV4Request: Sendable {
    /// The HTTP method, upper-case (`GET`, `PUT`, ...).
    public var method: String
    /// The path exactly as received on the wire, still percent-encoded, without the query: `/bucket/my%20key`.
    public var rawPath: String
    /// The query string as received, without the leading `?`; empty when the request has none.
    public var rawQuery: String
    /// All request headers as received. Names may be in any case and may repeat.
    ///
    /// With HTTP/2, or when the HTTP layer moved `Host` into the request's authority, pass the authority as a
    /// `host` header (a `:authority` entry is also accepted as a fallback for a missing `host`).
    public var headers: [(name: String, value: String)]

    /// Creates a request description.
    public init(method: String, rawPath: String, rawQuery: String = "", headers: [(name: String, value: String)]) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
    }

    /// The values of every header called `name` (compared case-insensitively), in the order received.
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        var values: [String] = []
        for header in headers where header.name.lowercased() == wanted {
            values.append(header.value)
        }
        if values.isEmpty && wanted == "host" {
            for header in headers where header.name.lowercased() == ":authority" {
                values.append(header.value)
            }
        }
        return values
    }

    /// The first value of the header called `name` (compared case-insensitively), or nil when absent.
    public func header(_ name: String) -> String? {
        headerValues(name).first
    }
}
