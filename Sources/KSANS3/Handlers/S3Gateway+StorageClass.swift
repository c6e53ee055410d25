import HTTPTypes
import KSANMetadata

extension S3Gateway {
    /// Where a write goes and the class it records: `x-amz-storage-class` (a header, or a POST form field) absent or
    /// STANDARD is the bucket's own pool; another class is the pool the operator mapped it to (`ksanctl
    /// storage-class set`), and the class is recorded with the version (returned by GET, HEAD and listings). A class
    /// S3 does not know, or one not mapped in this cluster, is InvalidStorageClass: the object is never stored in
    /// another class than the one asked for.
    func placement(storageClass requested: String?, bucket: BucketRecord) async throws
        -> (poolId: String, storageClass: String?)
    {
        let name = requested ?? StorageClassName.standard
        guard StorageClassName.known.contains(name),
            let pool = try await data.topology.current().pool(ofStorageClass: name, bucketPool: bucket.poolId)
        else {
            throw S3Error(.invalidStorageClass, "The storage class you specified is not valid")
        }
        return (pool, name == StorageClassName.standard ? nil : name)
    }

    /// `headers` with the stored class set to `storageClass` (removed for STANDARD).
    static func storing(_ storageClass: String?, in headers: [String: String]) -> [String: String] {
        var headers = headers
        headers[StorageClassName.header] = storageClass
        return headers
    }

    /// The class of a version or upload, from its stored headers.
    static func storageClass(of headers: [String: String]) -> String {
        headers[StorageClassName.header] ?? StorageClassName.standard
    }
}
