extension S3Error.Code {
    /// The body of a POST Object request is not well-formed `multipart/form-data`.
    static let malformedPOSTRequest = S3Error.Code("MalformedPOSTRequest", .badRequest)
    /// The POST policy document is not valid base64, not valid JSON, or not a valid policy.
    static let invalidPolicyDocument = S3Error.Code("InvalidPolicyDocument", .badRequest)
    /// The form fields and boundaries before the file are larger than S3's 20 KB.
    static let maxPostPreDataLengthExceeded = S3Error.Code("MaxPostPreDataLengthExceeded", .badRequest)
}

extension S3Error {
    /// S3's answer to a POST Object body that cannot be parsed.
    static var malformedPOST: S3Error {
        S3Error(.malformedPOSTRequest, "The body of your POST request is not well-formed multipart/form-data.")
    }

    /// S3's answer to form fields (with their boundaries and part headers) larger than `limit` before the file.
    static func postPreDataTooLarge(limit: Int) -> S3Error {
        S3Error(
            .maxPostPreDataLengthExceeded, "Your POST request fields preceding the upload file were too large.",
            details: [Detail("MaxPostPreDataLengthBytes", String(limit))])
    }
}
