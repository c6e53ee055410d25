/// The gateway's explicit limits (the same as AWS S3's).
public enum S3Limits {
    /// Longest key, in UTF-8 bytes.
    public static let maxKeyBytes = 1024
    /// Largest single PUT or part.
    public static let maxObjectSize: Int64 = 5 * 1024 * 1024 * 1024
    /// Smallest part other than the last.
    public static let minPartSize: Int64 = 5 * 1024 * 1024
    /// Highest part number.
    public static let maxPartNumber = 10_000
    /// Largest total of user metadata (names and values), in bytes.
    public static let maxUserMetadataBytes = 2 * 1024
    /// Largest XML request body (CompleteMultipartUpload with 10,000 parts fits).
    public static let maxXMLBodyBytes = 2 * 1024 * 1024
    /// Most keys in one DeleteObjects request.
    public static let maxDeleteKeys = 1000
    /// How many keys of one DeleteObjects request are deleted at once.
    public static let deleteObjectsConcurrency = 8
    /// Most keys in one listing page.
    public static let maxListKeys = 1000
}
