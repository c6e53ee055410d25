import Crypto
import Foundation

/// AWS Signature Version 2 (`Authorization: AWS AKID:signature`) verification for the S3 gateway, for both the
/// `Authorization` header and query-string (presigned URL) authentication.
///
/// The usual flow is ``parse(_:)`` (nil means anonymous or another scheme), look the access key up, then
/// ``verify(_:auth:secretKey:now:virtualHostBucket:)``. The signature is the base64 HMAC-SHA1, under the secret key,
/// of ``stringToSign(_:auth:virtualHostBucket:)``:
///
/// ```
/// METHOD \n Content-MD5 \n Content-Type \n Date-or-Expires \n CanonicalizedAmzHeaders CanonicalizedResource
/// ```
///
/// as described in "Signing and Authenticating REST Requests" of the S3 documentation. Every failure is an
/// ``S3Error``.
public enum SigV2 {
    /// The query parameters, signed as sub-resources of the CanonicalizedResource when present.
    public static let signedSubresources: Set<String> = [
        "acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
        "requestPayment", "restore", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
        "versions", "website", "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires",
    ]

    /// The message of S3's answer to a request that mixes authentication mechanisms.
    private static let onlyOneMechanism =
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter "
        + "or the Authorization header should be specified"

    /// The message of S3's answer to a malformed `Authorization: AWS ...` header.
    private static let malformedHeaderMessage =
        "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"

    /// The message of S3's answer to incomplete query-string authentication.
    private static let missingQueryParameters =
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"

    // MARK: Parsing

    /// Parses `Authorization: AWS AKID:base64sig` or the query parameters `AWSAccessKeyId=..&Signature=..&Expires=..`.
    ///
    /// Returns nil when the request carries no Signature Version 2 authentication at all (anonymous, or another
    /// scheme such as `AWS4-HMAC-SHA256`). Throws `InvalidArgument` for a malformed `AWS` header, for more than one
    /// `Authorization` header, for a repeated query parameter, or for header and query authentication at once;
    /// `AccessDenied` for missing query parameters or an `Expires` that is not seconds since 1970.
    public static func parse(_ request: SigV4Request) throws(S3Error) -> SigV2Authorization? {
        let authorizationHeaders = request.headerValues("authorization")
        let query = SigV4Encoding.decodedQuery(request.rawQuery)
        let hasQueryAuth = query.contains { $0.name == "AWSAccessKeyId" || $0.name == "Signature" }

        if hasQueryAuth {
            let hasV4QueryAuth = query.contains { $0.name == "X-Amz-Algorithm" || $0.name == "X-Amz-Signature" }
            guard authorizationHeaders.isEmpty, !hasV4QueryAuth else {
                throw S3Error(.invalidArgument, onlyOneMechanism)
            }
            return try parseQuery(query)
        }
        guard let first = authorizationHeaders.first else {
            return nil
        }
        let value = first.trimmingCharacters(in: .whitespaces)
        let scheme = value.prefix(while: { !$0.isWhitespace })
        guard scheme == "AWS" else {
            return nil
        }
        guard authorizationHeaders.count == 1 else {
            throw S3Error(.invalidArgument, "More than one Authorization header was given.")
        }
        let credentials = value[scheme.endIndex...].trimmingCharacters(in: .whitespaces)
        let parts = credentials.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !parts.contains(where: { $0.contains(where: \.isWhitespace) })
        else {
            throw S3Error(.invalidArgument, malformedHeaderMessage)
        }
        return SigV2Authorization(
            accessKeyId: String(parts[0]), signature: String(parts[1]), isPresigned: false, expires: nil)
    }

    /// The query form of ``parse(_:)``.
    private static func parseQuery(_ query: [(name: String, value: String)]) throws(S3Error) -> SigV2Authorization {
        var parameters: [String: String] = [:]
        for (name, value) in query where name == "AWSAccessKeyId" || name == "Signature" || name == "Expires" {
            guard parameters[name] == nil else {
                throw S3Error(.invalidArgument, "\(name) must be given only once.")
            }
            parameters[name] = value
        }
        guard let accessKeyId = parameters["AWSAccessKeyId"], !accessKeyId.isEmpty,
            let signature = parameters["Signature"], !signature.isEmpty, let expiresText = parameters["Expires"]
        else {
            throw S3Error(.accessDenied, missingQueryParameters)
        }
        guard let expires = parseEpochSeconds(expiresText) else {
            throw S3Error(.accessDenied, "Invalid date (should be seconds since epoch): \(expiresText)")
        }
        // Base64 has no spaces: a space here is a `+` that the client left unencoded in the URL.
        let repaired = signature.replacingOccurrences(of: " ", with: "+")
        return SigV2Authorization(accessKeyId: accessKeyId, signature: repaired, isPresigned: true, expires: expires)
    }

    /// An all-digit `Expires` value as an integer, or nil.
    private static func parseEpochSeconds(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int(text)
    }

    // MARK: Signing

    /// The string to sign:
    /// `METHOD\nContent-MD5\nContent-Type\nDate-or-Expires\nCanonicalizedAmzHeaders CanonicalizedResource`.
    ///
    /// The date line is the `Expires` parameter for query authentication, empty when an `x-amz-date` header is
    /// present (it is then signed among the amz headers), and the `Date` header otherwise. `virtualHostBucket` is
    /// the bucket named by the `Host` header for virtual-hosted-style requests (nil for path-style requests).
    public static func stringToSign(
        _ request: SigV4Request, auth: SigV2Authorization, virtualHostBucket: String?
    ) -> String {
        let dateLine: String
        if auth.isPresigned {
            let sent = SigV4Encoding.decodedQuery(request.rawQuery).first { $0.name == "Expires" }?.value
            dateLine = sent ?? auth.expires.map(String.init) ?? ""
        } else if request.header("x-amz-date") != nil {
            dateLine = ""
        } else {
            dateLine = firstValue(request, "date")
        }
        return [
            request.method, firstValue(request, "content-md5"), firstValue(request, "content-type"), dateLine,
            canonicalizedAmzHeaders(request) + canonicalizedResource(request, virtualHostBucket: virtualHostBucket),
        ].joined(separator: "\n")
    }

    /// The first value of a header, trimmed, or the empty string when absent.
    private static func firstValue(_ request: SigV4Request, _ name: String) -> String {
        request.header(name)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// Every `x-amz-*` header as `name:value\n`: names lower-cased and sorted (byte order), the values of a repeated
    /// name joined with `,` in the order received, each value trimmed and unfolded.
    static func canonicalizedAmzHeaders(_ request: SigV4Request) -> String {
        var values: [String: [String]] = [:]
        for header in request.headers {
            let name = header.name.lowercased()
            if name.hasPrefix("x-amz-") {
                values[name, default: []].append(unfoldedValue(header.value))
            }
        }
        let names = values.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return names.map { name in name + ":" + (values[name] ?? []).joined(separator: ",") + "\n" }.joined()
    }

    /// A header value with surrounding whitespace removed and each folding (a run of whitespace containing a line
    /// break) replaced by one space. Other inner whitespace is kept as sent.
    static func unfoldedValue(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        var result = ""
        var run = ""
        var runHasLineBreak = false
        for scalar in trimmed.unicodeScalars {
            switch scalar {
            case " ", "\t":
                run.unicodeScalars.append(scalar)
            case "\r", "\n":
                runHasLineBreak = true
            default:
                result += runHasLineBreak ? " " : run
                run = ""
                runHasLineBreak = false
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `/bucket` for virtual-hosted requests, then the path exactly as sent (still percent-encoded), then the signed
    /// sub-resources sorted by name: `?name[=value]` joined with `&`, values decoded. An empty value signs as the
    /// bare name.
    static func canonicalizedResource(_ request: SigV4Request, virtualHostBucket: String?) -> String {
        var resource = ""
        if let virtualHostBucket, !virtualHostBucket.isEmpty {
            resource = "/" + virtualHostBucket
        }
        resource += request.rawPath.hasPrefix("/") ? request.rawPath : "/" + request.rawPath

        let subresources = SigV4Encoding.decodedQuery(request.rawQuery).enumerated()
            .filter { signedSubresources.contains($0.element.name) }
            .sorted { lhs, rhs in
                let left = Array(lhs.element.name.utf8)
                let right = Array(rhs.element.name.utf8)
                return left != right ? left.lexicographicallyPrecedes(right) : lhs.offset < rhs.offset
            }
            .map { $0.element.value.isEmpty ? $0.element.name : $0.element.name + "=" + $0.element.value }
        if !subresources.isEmpty {
            resource += "?" + subresources.joined(separator: "&")
        }
        return resource
    }

    /// The base64 HMAC-SHA1 of `stringToSign` under `secretKey`.
    public static func signature(stringToSign: String, secretKey: String) -> String {
        let key = SymmetricKey(data: Data(secretKey.utf8))
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(stringToSign.utf8), using: key)
        return Data(code).base64EncodedString()
    }

    /// The signature the server expects for `request` under `auth` and `secretKey` (base64).
    public static func expectedSignature(
        _ request: SigV4Request, auth: SigV2Authorization, secretKey: String, virtualHostBucket: String?
    ) -> String {
        signature(
            stringToSign: stringToSign(request, auth: auth, virtualHostBucket: virtualHostBucket), secretKey: secretKey)
    }

    // MARK: Verification

    /// Verifies a parsed authorization against the request and the access key's secret.
    ///
    /// Throws `AccessDenied` ("Request has expired") when query authentication is used after `Expires`, or when
    /// `Expires` is more than `maxExpiry` seconds ahead (AWS has no such cap for Signature Version 2; the gateway
    /// applies SigV4's 7 days unless configured otherwise),
    /// `AccessDenied` when header authentication has no valid `x-amz-date` (which takes precedence) or `Date`,
    /// `RequestTimeTooSkewed` when that time is more than 15 minutes away from `now`, and `SignatureDoesNotMatch`
    /// when the signature differs (compared in constant time).
    public static func verify(
        _ request: SigV4Request, auth: SigV2Authorization, secretKey: String, now: Date, virtualHostBucket: String?,
        maxExpiry: Int? = nil
    ) throws(S3Error) {
        if auth.isPresigned {
            guard let expires = auth.expires else {
                throw S3Error(.accessDenied, missingQueryParameters)
            }
            if now.timeIntervalSince1970 > TimeInterval(expires) {
                throw S3Error(.accessDenied, "Request has expired")
            }
            if let maxExpiry, TimeInterval(expires) - now.timeIntervalSince1970 > TimeInterval(maxExpiry) {
                throw S3Error(
                    .accessDenied,
                    "Expires must be at most \(maxExpiry) seconds in the future: this endpoint caps the lifetime of "
                        + "presigned URLs as Signature Version 4 does")
            }
        } else {
            guard let signedAt = requestTime(request) else {
                throw S3Error(.accessDenied, "AWS authentication requires a valid Date or x-amz-date header")
            }
            if abs(now.timeIntervalSince(signedAt)) > SigV4.maxClockSkew {
                throw S3Error(.requestTimeTooSkewed)
            }
        }
        let expected = expectedSignature(
            request, auth: auth, secretKey: secretKey, virtualHostBucket: virtualHostBucket)
        guard SigV4.constantTimeEqual(expected, auth.signature) else {
            throw S3Error(.signatureDoesNotMatch)
        }
    }

    /// The request time of header authentication: `x-amz-date` when present (valid or not), else `Date`; either in
    /// RFC 1123 form (`Tue, 27 Mar 2007 19:36:42 +0000`) or ISO 8601 basic form (`20070327T193642Z`).
    static func requestTime(_ request: SigV4Request) -> Date? {
        guard let text = request.header("x-amz-date") ?? request.header("date") else {
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = SigV4Time.parseAMZDate(trimmed) {
            return date
        }
        return SigV4Time.amzDate(fromHTTPDate: trimmed).flatMap(SigV4Time.parseAMZDate)
    }
}
