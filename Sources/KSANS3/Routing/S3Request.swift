import HTTPTypes
import Hummingbird

/// An incoming S3 request with its bucket, key and query resolved.
public struct S3Request: Sendable {
    /// The HTTP method.
    public var method: HTTPRequest.Method
    /// The path as received (percent-encoded).
    public var rawPath: String
    /// The query as received, without `?`.
    public var rawQuery: String
    /// The bucket addressed, from the host (virtual-hosted style) or the first path segment (path style).
    public var bucket: String?
    /// The bucket named by the host for a virtual-hosted-style request (SigV2 signs it into the resource).
    public var virtualHostBucket: String?
    /// The key addressed, decoded; nil for a bucket or service request.
    public var key: String?
    /// Decoded query parameters in order of appearance.
    public var queryItems: [(name: String, value: String)]
    /// The request headers (without Host, which HTTPTypes keeps as the authority).
    public var headers: HTTPFields
    /// The Host header (HTTP/1.1) or :authority (HTTP/2).
    public var authority: String

    /// Resolves bucket, key and query of a request.
    /// - Parameter domains: the gateway's domains for virtual-hosted-style addressing (`s3.example.com`).
    public init(
        method: HTTPRequest.Method, authority: String?, path: String, query: String?, headers: HTTPFields,
        domains: [String]
    ) throws {
        self.method = method
        self.rawPath = path.isEmpty ? "/" : path
        self.rawQuery = query ?? ""
        self.headers = headers
        self.authority = authority ?? ""
        self.queryItems = try Self.parseQuery(rawQuery)
        // A NUL can be neither a bucket name nor a key: refused here, it never reaches metadata.
        guard let decodedPath = Percent.decode(rawPath), !decodedPath.utf8.contains(0) else {
            throw S3Error(.invalidURI, "Couldn't parse the specified URI.")
        }
        var path = Substring(decodedPath)
        if path.first == "/" { path = path.dropFirst() }
        let host = self.authority.split(separator: ":").first.map { $0.lowercased() } ?? ""
        if let domain = domains.first(where: { host.hasSuffix("." + $0) }) {
            bucket = String(host.dropLast(domain.count + 1))
            virtualHostBucket = bucket
            key = path.isEmpty ? nil : String(path)
        } else if path.isEmpty {
            bucket = nil
            key = nil
        } else if let slash = path.firstIndex(of: "/") {
            bucket = String(path[..<slash])
            let rest = path[path.index(after: slash)...]
            key = rest.isEmpty ? nil : String(rest)
        } else {
            bucket = String(path)
            key = nil
        }
    }

    /// The first value of a query parameter.
    public func query(_ name: String) -> String? { queryItems.first { $0.name == name }?.value }

    /// Whether a query parameter is present (with or without a value).
    public func hasQuery(_ name: String) -> Bool { queryItems.contains { $0.name == name } }

    /// A header's value.
    public func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }

    static func parseQuery(_ query: String) throws -> [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        return try query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Percent.decode(parts[0], plusAsSpace: true),
                let value = parts.count > 1 ? Percent.decode(parts[1], plusAsSpace: true) : ""
            else { throw S3Error(.invalidArgument, "Malformed query string.") }
            guard !name.utf8.contains(0), !value.utf8.contains(0) else {
                throw S3Error(.invalidArgument, "A query parameter contains a NUL character.")
            }
            return (name, value)
        }
    }
}
