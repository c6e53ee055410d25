extension S3Error.Code {
    /// The body of a POST Object request is not well-formed `multipart/form-data`.
    static let malformedPOSTRequest = S3Error.Code("MalformedPOSTRequest", .badRequest)
    /// The POST policy document is not valid base64, not valid JSON, or not a valid policy.
    static let invalidPolicyDocument = S3Error.Code("InvalidPolicyDocument", .badRequest)
}

extension S3Error {
    /// S3's answer to a POST Object body that cannot be parsed.
    static var malformedPOST: S3Error {
        S3Error(.malformedPOSTRequest, "The body of your POST request is not well-formed multipart/form-data.")
    }
}
