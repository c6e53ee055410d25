/// The storage classes of S3 and its peers, by the names clients send in `x-amz-storage-class`. STANDARD is each
/// bucket's own pool; every other name is honoured only where the operator mapped it to a pool
/// (`ksanctl storage-class set`), and InvalidStorageClass elsewhere.
public enum StorageClassName {
    /// The class of an object stored without `x-amz-storage-class`.
    public static let standard = "STANDARD"

    /// Every name S3 knows.
    public static let known: Set<String> = [
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
        "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE",
    ]

    /// The stored header that records a version's (or an upload's) class when it is not STANDARD.
    public static let header = "x-amz-storage-class"
}
