import Foundation

/// The signature of an S3 POST Object form, computed over the form's base64 `policy` field.
///
/// Signature Version 4: `x-amz-algorithm` = `AWS4-HMAC-SHA256`,
/// `x-amz-credential` = `AKID/date/region/s3/aws4_request`, `x-amz-date`, and `x-amz-signature` = the hex
/// HMAC-SHA256 of the policy under the scope's signing key. Signature Version 2: `AWSAccessKeyId`, and `Signature` =
/// the base64 HMAC-SHA1 of the policy under the secret key. Field names are expected lower-cased, as
/// ``MultipartFormParser`` returns them. A form with neither is anonymous.
public enum PostSignature {
    /// The credentials a form carries.
    enum Credentials: Equatable {
        /// Signature Version 4, with the credential scope.
        case v4(accessKeyId: String, date: String, region: String, service: String, signature: String)
        /// Signature Version 2.
        case v2(accessKeyId: String, signature: String)
    }

    /// The access key the form is signed with, or nil for an anonymous form (no signature fields at all).
    ///
    /// Throws `InvalidArgument` when signature fields are missing, malformed or of both versions at once, or when a
    /// signed form has no `policy`.
    public static func accessKeyId(fields: [String: String]) throws(S3Error) -> String? {
        switch try credentials(fields) {
        case .v4(let accessKeyId, _, _, _, _), .v2(let accessKeyId, _): accessKeyId
        case nil: nil
        }
    }

    /// The region of a Signature Version 4 form's credential scope; nil for Signature Version 2 or anonymous forms.
    public static func region(fields: [String: String]) throws(S3Error) -> String? {
        guard case .v4(_, _, let region, _, _) = try credentials(fields) else {
            return nil
        }
        return region
    }

    /// Verifies the form's signature of its `policy` field under `secretKey`.
    ///
    /// - Parameters:
    ///   - fields: The form fields, names lower-cased.
    ///   - secretKey: The secret of the access key returned by ``accessKeyId(fields:)``.
    ///   - region: When given, the region a Signature Version 4 credential scope must name.
    /// - Throws: The errors of ``accessKeyId(fields:)``; `AccessDenied` for an anonymous form; `InvalidArgument` for
    ///   a scope of another region; `SignatureDoesNotMatch` when the signature differs (compared in constant time).
    public static func verify(fields: [String: String], secretKey: String, region: String? = nil) throws(S3Error) {
        guard let credentials = try credentials(fields), let policy = fields["policy"] else {
            throw S3Error(.accessDenied)
        }
        switch credentials {
        case .v4(_, let date, let scopeRegion, let service, let signature):
            if let region, region != scopeRegion {
                throw S3Error.wrongRegion(
                    .invalidArgument, prefix: "Error parsing the X-Amz-Credential parameter; ", given: scopeRegion,
                    expected: region)
            }
            let key = SigV4.signingKey(secretKey: secretKey, date: date, region: scopeRegion, service: service)
            let expected = SigV4.signature(stringToSign: policy, signingKey: key)
            guard SigV4.constantTimeEqual(expected, signature.lowercased()) else {
                throw S3Error(.signatureDoesNotMatch)
            }
        case .v2(_, let signature):
            let expected = SigV2.signature(stringToSign: policy, secretKey: secretKey)
            guard SigV4.constantTimeEqual(expected, signature) else {
                throw S3Error(.signatureDoesNotMatch)
            }
        }
    }

    // MARK: Parsing

    /// S3's answer to a form without a field that it needs.
    private static func missingField(_ name: String) -> S3Error {
        S3Error(
            .invalidArgument,
            "Bucket POST must contain a field named '\(name)'.  If it is specified, please check the order of "
                + "the fields."
        )
    }

    /// The credentials of a form, or nil when it carries none.
    static func credentials(_ fields: [String: String]) throws(S3Error) -> Credentials? {
        let isV4 = ["x-amz-signature", "x-amz-credential", "x-amz-algorithm"].contains { fields[$0] != nil }
        let isV2 = fields["awsaccesskeyid"] != nil || fields["signature"] != nil
        if isV4 && isV2 {
            throw S3Error(
                .invalidArgument,
                "Only one auth mechanism allowed; only the X-Amz-Algorithm, X-Amz-Credential and X-Amz-Signature "
                    + "fields or the AWSAccessKeyId and Signature fields should be specified")
        }
        if isV2 {
            guard let accessKeyId = fields["awsaccesskeyid"], !accessKeyId.isEmpty else {
                throw missingField("AWSAccessKeyId")
            }
            guard let signature = fields["signature"], !signature.isEmpty else {
                throw missingField("Signature")
            }
            guard fields["policy"] != nil else {
                throw missingField("policy")
            }
            return .v2(accessKeyId: accessKeyId, signature: signature)
        }
        guard isV4 else {
            return nil
        }
        guard let algorithm = fields["x-amz-algorithm"] else {
            throw missingField("x-amz-algorithm")
        }
        guard algorithm == SigV4.algorithm else {
            throw S3Error(.invalidArgument, "X-Amz-Algorithm only supports \"\(SigV4.algorithm)\"")
        }
        guard let credential = fields["x-amz-credential"] else {
            throw missingField("x-amz-credential")
        }
        guard let amzDate = fields["x-amz-date"] else {
            throw missingField("x-amz-date")
        }
        guard let signature = fields["x-amz-signature"], !signature.isEmpty else {
            throw missingField("x-amz-signature")
        }
        guard fields["policy"] != nil else {
            throw missingField("policy")
        }
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, !parts[0].isEmpty, parts[1].count == 8, parts[1].allSatisfy(\.isASCIIDigit),
            !parts[2].isEmpty, parts[3] == "s3", parts[4] == "aws4_request"
        else {
            throw S3Error(
                .invalidArgument,
                "Error parsing the X-Amz-Credential parameter; the credential is malformed; expecting "
                    + "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
        }
        guard SigV4Time.parseAMZDate(amzDate) != nil, amzDate.hasPrefix(parts[1]) else {
            throw S3Error(
                .invalidArgument, "X-Amz-Date must be in the ISO8601 Long Format and match the credential date")
        }
        return .v4(accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3], signature: signature)
    }
}

extension Character {
    /// Whether the character is one of the ASCII digits 0 to 9.
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
