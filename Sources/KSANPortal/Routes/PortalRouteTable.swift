/// The methods of every path of `/api/v1`, for the 405 answer (with `Allow`) to a method a path does not have.
/// Kept beside the routes; a unit test checks it against the OpenAPI document.
public enum PortalRouteTable {
    /// Path patterns (`:name` matches one segment) and their methods.
    public static let routes: [(pattern: String, methods: [String])] = [
        ("/api/v1/health", ["GET"]), ("/api/v1/openapi.json", ["GET"]), ("/api/v1/status", ["GET"]),
        ("/api/v1/users", ["GET", "POST"]), ("/api/v1/users/:user", ["GET", "DELETE"]),
        ("/api/v1/users/:user/keys", ["GET", "POST"]), ("/api/v1/users/:user/tokens", ["POST"]),
        ("/api/v1/keys", ["GET"]),
        ("/api/v1/keys/:key", ["GET", "PATCH", "DELETE"]), ("/api/v1/api-keys", ["GET", "POST"]),
        ("/api/v1/api-keys/:id", ["DELETE"]), ("/api/v1/servers", ["GET", "POST"]),
        ("/api/v1/servers/:id", ["GET", "PATCH", "DELETE"]),
        ("/api/v1/disks", ["GET", "POST"]), ("/api/v1/disks/:id", ["GET", "PATCH", "DELETE"]),
        ("/api/v1/pools", ["GET", "POST"]),
        ("/api/v1/pools/:id", ["GET", "PATCH", "DELETE"]), ("/api/v1/pools/:id/rebalance", ["POST", "DELETE"]),
        ("/api/v1/buckets", ["GET"]),
        ("/api/v1/buckets/:name", ["GET"]), ("/api/v1/services", ["GET"]),
        ("/api/v1/services/:id", ["GET", "DELETE"]), ("/api/v1/zones", ["GET", "POST"]),
        ("/api/v1/zones/:name", ["GET", "DELETE"]), ("/api/v1/storage-classes", ["GET"]),
        ("/api/v1/storage-classes/:class", ["GET", "PUT", "DELETE"]), ("/api/v1/config/:kind", ["GET", "PUT"]),
        ("/api/v1/config/:kind/history", ["GET"]), ("/api/v1/config/:kind/rollback", ["POST"]),
        ("/api/v1/join-tokens", ["GET", "POST"]), ("/api/v1/join-tokens/:id", ["DELETE"]), ("/api/v1/join", ["POST"]),
    ]

    /// The methods of the route `path` matches, or nil if none does.
    public static func methods(of path: String) -> [String]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for route in routes {
            let pattern = route.pattern.split(separator: "/", omittingEmptySubsequences: false)
            guard pattern.count == segments.count else { continue }
            let matches = zip(pattern, segments).allSatisfy { pattern, segment in
                pattern.hasPrefix(":") ? !segment.isEmpty : pattern == segment
            }
            if matches { return route.methods }
        }
        return nil
    }
}
