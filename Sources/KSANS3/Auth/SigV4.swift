import Crypto
import Foundation
import KSANCore

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) verification for the S3 gateway, for both the `Authorization`
/// header and presigned-URL query parameters.
///
/// The usual flow is ``parse(_:)`` (nil means anonymous or another scheme), look the access key up, then
/// ``verify(_:auth:secretKey:now:region:)``. Canonicalization follows S3's rules: the path is not normalized,
/// only decoded once and re-encoded; the query is decoded, re-encoded and sorted; the signed headers are
/// lower-cased, trimmed and space-collapsed. Every failure is an ``S3Error``.
///
/// The body is not read here: when ``SigV4Authorization/payloadHash`` is a SHA-256 digest, the gateway must check
/// it against the body it receives (`XAmzContentSHA256Mismatch`); `STREAMING-...` payloads carry per-chunk
/// signatures that are checked while streaming.
public enum SigV4 {
    /// The only algorithm supported: `AWS4-HMAC-SHA256`.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash of a request whose body is not signed.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The SHA-256 of the empty string, the payload hash of a request without a body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The largest difference allowed between the request time and the server's clock for header authorization.
    public static let maxClockSkew: TimeInterval = 15 * 60
    /// The longest validity of a presigned URL, in seconds (7 days).
    public static let maxPresignedExpiry = 604_800

    /// The `x-amz-content-sha256` markers of `aws-chunked` uploads.
    static let streamingPayloads: Set<String> = [
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    ]

    /// S3's 400 for bad presigned-URL parameters (not among the shared codes of ``S3Error/Code``).
    static let authorizationQueryParametersError = S3Error.Code(
        "AuthorizationQueryParametersError", S3Error.Code.invalidArgument.status)

    /// The query parameters that together make a presigned request.
    private static let presignedParameters = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders",
        "X-Amz-Expires",
    ]

    // MARK: Parsing

    /// Parses `Authorization: AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request,
    /// SignedHeaders=host;range;x-amz-date, Signature=...` or the presigned query parameters (`X-Amz-Algorithm`,
    /// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature`).
    ///
    /// Returns nil when the request carries no SigV4 authentication at all (anonymous, or another scheme such as
    /// Signature Version 2). Throws `AuthorizationHeaderMalformed` for a malformed header,
    /// `AuthorizationQueryParametersError` for malformed presigned parameters, `AccessDenied` for a missing or
    /// invalid date, `InvalidRequest` for a missing `x-amz-content-sha256` and `InvalidArgument` for a bad one,
    /// for another `AWS4-` algorithm, or for header and query authentication at once.
    public static func parse(_ request: SigV4Request) throws(S3Error) -> SigV4Authorization? {
        let authorizationHeaders = request.headerValues("authorization")
        let query = SigV4Encoding.decodedQuery(request.rawQuery)
        let hasQueryAuth = query.contains { presignedParameters.contains($0.name) }

        if hasQueryAuth {
            if !authorizationHeaders.isEmpty {
                throw S3Error(
                    .invalidArgument,
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query "
                        + "string parameter or the Authorization header should be specified")
            }
            return try parsePresigned(request, query: query)
        }
        guard let first = authorizationHeaders.first else {
            return nil
        }
        let value = first.trimmingCharacters(in: .whitespaces)
        guard value.hasPrefix("AWS4-") else {
            return nil
        }
        guard authorizationHeaders.count == 1 else {
            throw malformedHeader("more than one Authorization header")
        }
        return try parseHeader(request, authorization: value)
    }

    /// The header form of ``parse(_:)``; `authorization` is the trimmed header value, starting with `AWS4-`.
    private static func parseHeader(
        _ request: SigV4Request, authorization: String
    ) throws(S3Error) -> SigV4Authorization {
        let afterAlgorithm = authorization.drop(while: { !$0.isWhitespace })
        guard authorization[..<afterAlgorithm.startIndex] == algorithm else {
            throw S3Error(.invalidArgument, "Unsupported Authorization Type")
        }
        var fields: [String: String] = [:]
        for component in afterAlgorithm.split(separator: ",", omittingEmptySubsequences: false) {
            let part = component.trimmingCharacters(in: .whitespaces)
            guard let equals = part.firstIndex(of: "=") else {
                throw malformedHeader("the authorization component \"\(part)\" is malformed.")
            }
            let key = String(part[..<equals])
            guard ["Credential", "SignedHeaders", "Signature"].contains(key), fields[key] == nil else {
                throw malformedHeader("the authorization component \"\(part)\" is malformed.")
            }
            fields[key] = String(part[part.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let signedHeaderList = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw malformedHeader("the header must have Credential, SignedHeaders and Signature.")
        }
        let scope = try parseCredential(credential, code: .authorizationHeaderMalformed)
        let signedHeaders = try parseSignedHeaders(signedHeaderList, code: .authorizationHeaderMalformed)
        guard SigV4Encoding.isHex(signature, count: 64) else {
            throw malformedHeader("the signature must be 64 hexadecimal characters.")
        }

        let amzDate: String
        if let header = request.header("x-amz-date") {
            let trimmed = header.trimmingCharacters(in: .whitespaces)
            guard SigV4Time.parseAMZDate(trimmed) != nil else {
                throw S3Error(.accessDenied, "AWS authentication requires a valid Date or x-amz-date header")
            }
            amzDate = trimmed
        } else if let header = request.header("date"), let converted = SigV4Time.amzDate(fromHTTPDate: header) {
            amzDate = converted
        } else {
            throw S3Error(.accessDenied, "AWS authentication requires a valid Date or x-amz-date header")
        }
        guard amzDate.hasPrefix(scope.date) else {
            throw malformedHeader("Invalid credential date \"\(scope.date)\". This date is not the same as X-Amz-Date.")
        }

        guard let contentHash = request.header("x-amz-content-sha256")?.trimmingCharacters(in: .whitespaces) else {
            throw S3Error(.invalidRequest, "Missing required header for this request: x-amz-content-sha256")
        }
        try checkPayloadHash(contentHash)

        return SigV4Authorization(
            accessKeyId: scope.accessKeyId, date: scope.date, region: scope.region, service: scope.service,
            signedHeaders: signedHeaders, signature: signature.lowercased(), amzDate: amzDate,
            payloadHash: contentHash, isPresigned: false, expiresSeconds: nil)
    }

    /// The query form of ``parse(_:)``.
    private static func parsePresigned(
        _ request: SigV4Request, query: [(name: String, value: String)]
    ) throws(S3Error) -> SigV4Authorization {
        var parameters: [String: String] = [:]
        for (name, value) in query where presignedParameters.contains(name) || name == "X-Amz-Content-Sha256" {
            guard parameters[name] == nil else {
                throw S3Error(authorizationQueryParametersError, "\(name) must be given only once.")
            }
            parameters[name] = value
        }
        guard let algorithmValue = parameters["X-Amz-Algorithm"], let credential = parameters["X-Amz-Credential"],
            let signature = parameters["X-Amz-Signature"], let amzDate = parameters["X-Amz-Date"],
            let signedHeaderList = parameters["X-Amz-SignedHeaders"], let expiresText = parameters["X-Amz-Expires"]
        else {
            throw S3Error(
                authorizationQueryParametersError,
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                    + "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
        }
        guard algorithmValue == algorithm else {
            throw S3Error(authorizationQueryParametersError, "X-Amz-Algorithm only supports \"\(algorithm)\"")
        }
        let scope = try parseCredential(credential, code: authorizationQueryParametersError)
        guard SigV4Time.parseAMZDate(amzDate) != nil else {
            throw S3Error(
                authorizationQueryParametersError,
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
        }
        guard amzDate.hasPrefix(scope.date) else {
            throw S3Error(
                authorizationQueryParametersError,
                "Invalid credential date \"\(scope.date)\". This date is not the same as X-Amz-Date: \"\(amzDate)\".")
        }
        let expires = try parseExpires(expiresText)
        let signedHeaders = try parseSignedHeaders(signedHeaderList, code: authorizationQueryParametersError)
        guard SigV4Encoding.isHex(signature, count: 64) else {
            throw S3Error(authorizationQueryParametersError, "X-Amz-Signature must be 64 hexadecimal characters.")
        }
        let payloadHash =
            parameters["X-Amz-Content-Sha256"]
            ?? request.header("x-amz-content-sha256")?.trimmingCharacters(in: .whitespaces)
            ?? unsignedPayload
        try checkPayloadHash(payloadHash)

        return SigV4Authorization(
            accessKeyId: scope.accessKeyId, date: scope.date, region: scope.region, service: scope.service,
            signedHeaders: signedHeaders, signature: signature.lowercased(), amzDate: amzDate,
            payloadHash: payloadHash, isPresigned: true, expiresSeconds: expires)
    }

    /// Splits `AK/yyyyMMdd/region/s3/aws4_request`, failing with `code`.
    private static func parseCredential(
        _ credential: String, code: S3Error.Code
    ) throws(S3Error) -> (accessKeyId: String, date: String, region: String, service: String) {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let prefix = code == .authorizationHeaderMalformed ? "The authorization header is malformed; " : ""
        guard parts.count == 5, !parts[0].isEmpty, !parts[2].isEmpty else {
            throw S3Error(
                code,
                prefix + "the Credential is mal-formed; expecting "
                    + "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
        }
        guard parts[4] == "aws4_request" else {
            throw S3Error(code, prefix + "incorrect terminal \"\(parts[4])\". This endpoint uses \"aws4_request\".")
        }
        guard parts[1].utf8.count == 8, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            SigV4Time.parseAMZDate(parts[1] + "T000000Z") != nil
        else {
            throw S3Error(code, prefix + "invalid credential date \"\(parts[1])\".")
        }
        guard parts[3] == "s3" else {
            throw S3Error(code, prefix + "incorrect service \"\(parts[3])\". This endpoint belongs to \"s3\".")
        }
        return (parts[0], parts[1], parts[2], parts[3])
    }

    /// Splits `host;range;x-amz-date` into lower-case names; `host` must be among them.
    private static func parseSignedHeaders(_ list: String, code: S3Error.Code) throws(S3Error) -> [String] {
        let names = list.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let prefix = code == .authorizationHeaderMalformed ? "The authorization header is malformed; " : ""
        guard !names.contains(where: \.isEmpty) else {
            throw S3Error(code, prefix + "the SignedHeaders list \"\(list)\" is malformed.")
        }
        guard names.contains("host") else {
            throw S3Error(code, prefix + "the host header must be signed.")
        }
        return names
    }

    /// Validates `X-Amz-Expires`: an integer in 1...604800.
    private static func parseExpires(_ text: String) throws(S3Error) -> Int {
        guard let value = Int(text) else {
            throw S3Error(authorizationQueryParametersError, "X-Amz-Expires should be a number")
        }
        guard value >= 1 else {
            throw S3Error(authorizationQueryParametersError, "X-Amz-Expires must be positive")
        }
        guard value <= maxPresignedExpiry else {
            throw S3Error(
                authorizationQueryParametersError,
                "X-Amz-Expires must be less than a week (in seconds) that is 7 days")
        }
        return value
    }

    /// Accepts a SHA-256 hex digest, `UNSIGNED-PAYLOAD` or a known `STREAMING-...` marker.
    private static func checkPayloadHash(_ value: String) throws(S3Error) {
        guard value == unsignedPayload || streamingPayloads.contains(value) || SigV4Encoding.isHex(value, count: 64)
        else {
            throw S3Error(
                .invalidArgument,
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD or a valid sha256 "
                    + "value.")
        }
    }

    private static func malformedHeader(_ detail: String) -> S3Error {
        S3Error(.authorizationHeaderMalformed, "The authorization header is malformed; " + detail)
    }

    // MARK: Signing

    /// The canonical request: method, canonical URI, canonical query (without `X-Amz-Signature` when presigned),
    /// canonical headers (signed headers only, `name:value\n` each), the signed-header list and the payload hash,
    /// separated by newlines.
    public static func canonicalRequest(_ request: SigV4Request, auth: SigV4Authorization) -> String {
        let uri = SigV4Encoding.canonicalURI(request.rawPath)
        let query = SigV4Encoding.canonicalQuery(
            request.rawQuery, excluding: auth.isPresigned ? "X-Amz-Signature" : nil)
        var headers = ""
        for name in auth.signedHeaders {
            let values = request.headerValues(name).map(canonicalHeaderValue)
            headers += name + ":" + values.joined(separator: ",") + "\n"
        }
        return [
            request.method, uri, query, headers, auth.signedHeaders.joined(separator: ";"), auth.payloadHash,
        ].joined(separator: "\n")
    }

    /// A header value as signed: leading and trailing whitespace removed, inner runs of spaces and tabs as one space.
    static func canonicalHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The string to sign: algorithm, request time, credential scope and the hex SHA-256 of the canonical request.
    public static func stringToSign(canonicalRequest: String, auth: SigV4Authorization) -> String {
        let hash = Hex.encode(SHA256.hash(data: Data(canonicalRequest.utf8)))
        return [algorithm, auth.amzDate, auth.scope, hash].joined(separator: "\n")
    }

    /// The signing key `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    public static func signingKey(secretKey: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data(("AWS4" + secretKey).utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key))
        }
        return key
    }

    /// The hex HMAC-SHA256 of `stringToSign` under `signingKey`.
    public static func signature(stringToSign: String, signingKey: SymmetricKey) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey))
    }

    /// The signature the server expects for `request` under `auth` and `secretKey` (64 lower-case hex digits).
    public static func expectedSignature(
        _ request: SigV4Request, auth: SigV4Authorization, secretKey: String
    ) -> String {
        let toSign = stringToSign(canonicalRequest: canonicalRequest(request, auth: auth), auth: auth)
        let key = signingKey(secretKey: secretKey, date: auth.date, region: auth.region, service: auth.service)
        return signature(stringToSign: toSign, signingKey: key)
    }

    // MARK: Verification

    /// Verifies a parsed authorization against the request and the access key's secret.
    ///
    /// Throws `RequestTimeTooSkewed` when header authorization is more than 15 minutes away from `now`,
    /// `AccessDenied` ("Request has expired" / "Request is not valid yet") for a presigned URL outside its window,
    /// `AuthorizationQueryParametersError` for an `expiresSeconds` outside 1...604800,
    /// `AuthorizationHeaderMalformed` (or the query variant) when `region` is given and the scope names another,
    /// and `SignatureDoesNotMatch` when the signature differs (compared in constant time).
    public static func verify(
        _ request: SigV4Request, auth: SigV4Authorization, secretKey: String, now: Date, region: String? = nil
    ) throws(S3Error) {
        let formatCode = auth.isPresigned ? authorizationQueryParametersError : .authorizationHeaderMalformed
        guard let signedAt = SigV4Time.parseAMZDate(auth.amzDate) else {
            throw S3Error(.accessDenied, "AWS authentication requires a valid Date or x-amz-date header")
        }
        if let region, auth.region != region {
            let prefix =
                auth.isPresigned
                ? "Error parsing the X-Amz-Credential parameter; " : "The authorization header is malformed; "
            throw S3Error.wrongRegion(formatCode, prefix: prefix, given: auth.region, expected: region)
        }
        if auth.isPresigned {
            guard let expires = auth.expiresSeconds, (1...maxPresignedExpiry).contains(expires) else {
                throw S3Error(
                    authorizationQueryParametersError,
                    "X-Amz-Expires must be between 1 and \(maxPresignedExpiry) seconds")
            }
            if signedAt.timeIntervalSince(now) > maxClockSkew {
                throw S3Error(.accessDenied, "Request is not valid yet")
            }
            if now.timeIntervalSince(signedAt) > TimeInterval(expires) {
                throw S3Error(.accessDenied, "Request has expired")
            }
        } else if abs(now.timeIntervalSince(signedAt)) > maxClockSkew {
            throw S3Error(.requestTimeTooSkewed)
        }
        try checkAmzHeadersSigned(request, auth: auth)
        let expected = expectedSignature(request, auth: auth, secretKey: secretKey)
        guard constantTimeEqual(expected, auth.signature.lowercased()) else {
            throw S3Error(.signatureDoesNotMatch)
        }
    }

    /// Refuses a request carrying an `x-amz-*` header that the signature does not cover, as S3 does: such a header
    /// could have been added by anyone who saw the request (a presigned URL turned into a copy with
    /// `x-amz-copy-source`, a replay with other `x-amz-meta-*`). `x-amz-content-sha256` is exempt, as in S3 and
    /// Ceph RGW: its value is the payload hash, which the canonical request ends with, so it is signed either way.
    static func checkAmzHeadersSigned(_ request: SigV4Request, auth: SigV4Authorization) throws(S3Error) {
        let signed = Set(auth.signedHeaders)
        var unsigned: [String] = []
        for header in request.headers {
            let name = header.name.lowercased()
            guard name.hasPrefix("x-amz-"), !signed.contains(name), !unsigned.contains(name) else { continue }
            if name == "x-amz-content-sha256" { continue }
            unsigned.append(name)
        }
        guard unsigned.isEmpty else {
            throw S3Error(
                .accessDenied, "There were headers present in the request which were not signed",
                details: [S3Error.Detail("HeadersNotSigned", unsigned.sorted().joined(separator: ", "))])
        }
    }

    /// Compares two strings without an early exit (``ConstantTime/equal(_:_:)``).
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        ConstantTime.equal(lhs, rhs)
    }
}
