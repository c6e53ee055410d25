import KSANS3

/// The full walks of a bucket through S3.
enum ListingWalk {
    case objectsV2, objectsV1, versions

    /// Lists the whole bucket page by page: entries, pages and seconds.
    func run(s3: S3BenchClient, bucket: String) async throws -> (entries: Int, pages: Int, seconds: Double) {
        let started = ContinuousClock.now
        var entries = 0
        var pages = 0
        var query: String
        switch self {
        case .objectsV2: query = "list-type=2&max-keys=1000"
        case .objectsV1: query = "max-keys=1000"
        case .versions: query = "max-keys=1000&versions="
        }
        while true {
            let page = ListingPage(try await s3.get(path: "/\(bucket)", query: query))
            entries += page.keys
            pages += 1
            guard page.isTruncated else { break }
            let encode = { (value: String?) in Percent.encode(value ?? "") }
            switch self {
            case .objectsV2:
                query = "continuation-token=\(encode(page.next["NextContinuationToken"]))&list-type=2&max-keys=1000"
            case .objectsV1:
                query = "marker=\(encode(page.next["NextMarker"] ?? page.lastKey))&max-keys=1000"
            case .versions:
                query =
                    "key-marker=\(encode(page.next["NextKeyMarker"]))&max-keys=1000"
                    + "&version-id-marker=\(encode(page.next["NextVersionIdMarker"]))&versions="
            }
        }
        return (entries, pages, (ContinuousClock.now - started).seconds)
    }
}
