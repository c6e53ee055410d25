import ArgumentParser
import AsyncHTTPClient
import Foundation
import KSANMetadata
import KSANS3
import PostgresNIO

/// `ksan-bench listing`: full ListObjectsV2, ListObjects and ListObjectVersions walks and a delimiter page through the
/// gateway, each printed beside PostgreSQL's own scan of the same rows measured in the same run.
struct ListingBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listing",
        abstract: "Benchmark listings against PostgreSQL's own scans of the same rows.",
        discussion: """
            The objects are written straight into the metadata database as empty objects (see docs/benchmarks.md), \
            in buckets made through S3 and deleted at the end.
            """)

    @OptionGroup var cluster: ClusterOptions
    @Option(help: "The metadata database (default: postgres.url of $KSAN_HOME/cluster.json).")
    var postgresUrl: String?
    @Option(help: "Objects of the unversioned bucket.")
    var keys: Int = 1_000_000
    @Option(help: "Keys per prefix (dir-NNNN/) of the unversioned bucket.")
    var keysPerPrefix: Int = 1000
    @Option(help: "Keys of the versioned bucket.")
    var versionKeys: Int = 10_000
    @Option(help: "Versions of each key of the versioned bucket (the newest of every tenth key a delete marker).")
    var versionsPerKey: Int = 10
    @Option(help: "Times the delimiter page is listed (the median is printed).")
    var delimiterRuns: Int = 7
    @Option(help: "Times each scan and each walk is run (the median is printed, and the best walk).")
    var walks: Int = 3

    func validate() throws {
        guard keys >= 1, keysPerPrefix >= 1, versionKeys >= 1, versionsPerKey >= 1, delimiterRuns >= 1, walks >= 1
        else {
            throw ValidationError("counts must be at least 1")
        }
    }

    func run() async throws {
        let (endpoint, signer) = try cluster.resolve()
        let database = try MetadataServiceConfiguration.Postgres(url: try postgresURL())
        let postgres = PostgresClient(configuration: database.clientConfiguration)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let s3 = S3BenchClient(http: http, endpoint: endpoint, signer: signer)
        let fixture = ListingFixture(client: postgres)
        let stamp = Int(Date().timeIntervalSince1970)
        let objectsBucket = "ksan-bench-list-\(stamp)"
        let versionsBucket = "ksan-bench-versions-\(stamp)"
        let outcome: Result<Void, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            defer { group.cancelAll() }
            do {
                try await measure(
                    s3: s3, fixture: fixture, endpoint: endpoint, objectsBucket: objectsBucket,
                    versionsBucket: versionsBucket)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try? await http.shutdown()
        try outcome.get()
    }

    /// The whole benchmark: fill, measure, clean up (also after a failure).
    func measure(
        s3: S3BenchClient, fixture: ListingFixture, endpoint: String, objectsBucket: String, versionsBucket: String
    ) async throws {
        try await s3.send("PUT", path: "/\(objectsBucket)", expect: 200)
        try await s3.send("PUT", path: "/\(versionsBucket)", expect: 200)
        do {
            var versioning = ByteBuffer()
            versioning.writeString("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
            try await s3.send("PUT", path: "/\(versionsBucket)", query: "versioning=", body: versioning, expect: 200)
            var started = ContinuousClock.now
            try await fixture.fillObjects(bucket: objectsBucket, count: keys, perPrefix: keysPerPrefix)
            print(
                String(format: "(wrote %d objects in %.1f s", keys, (ContinuousClock.now - started).seconds),
                terminator: "")
            started = ContinuousClock.now
            try await fixture.fillVersions(
                bucket: versionsBucket, keys: versionKeys, versionsPerKey: versionsPerKey, perPrefix: keysPerPrefix)
            print(
                String(
                    format: " and %d versions of %d keys in %.1f s straight into PostgreSQL;",
                    versionKeys * versionsPerKey, versionKeys, (ContinuousClock.now - started).seconds),
                terminator: "")
            started = ContinuousClock.now
            try await fixture.vacuum()
            print(String(format: " VACUUM ANALYZE in %.1f s)", (ContinuousClock.now - started).seconds))
            try await report(
                s3: s3, fixture: fixture, endpoint: endpoint, objects: objectsBucket, versions: versionsBucket)
        } catch {
            try? await cleanUp(s3: s3, fixture: fixture, buckets: [objectsBucket, versionsBucket])
            throw error
        }
        try await cleanUp(s3: s3, fixture: fixture, buckets: [objectsBucket, versionsBucket])
    }

    func report(s3: S3BenchClient, fixture: ListingFixture, endpoint: String, objects: String, versions: String)
        async throws
    {
        // Warm both: the first scan reads the table and index into the cache.
        _ = try await fixture.scanObjects(bucket: objects)
        _ = try await fixture.scanVersions(bucket: versions)

        print("\n== PostgreSQL's own scans of the same rows (the baseline) ==")
        let scan = try await median { try await fixture.scanObjects(bucket: objects) }
        let paged = try await median { try await fixture.pageObjects(bucket: objects) }
        let versionScan = try await median { try await fixture.scanVersions(bucket: versions) }
        let prefixCount = min(1000, (keys + keysPerPrefix - 1) / keysPerPrefix)
        var probes: [Double] = []
        for _ in 0..<delimiterRuns {
            probes.append(try await fixture.probePrefixes(bucket: objects, count: prefixCount).seconds)
        }
        let probe = Self.median(probes)
        Self.printRate("objects in key order, one query", scan)
        Self.printRate("objects in pages of 1,000 (key > last)", paged)
        Self.printRate("versions in (key, newest first), one query", versionScan)
        print(
            String(
                format: "%@ %8.1f ms", Self.padded("first key of \(prefixCount) prefixes, one query", 44) as NSString,
                probe * 1000))
        let trips = try await fixture.roundTrips(count: 2000)
        print(
            String(
                format: "%@ %8.3f ms (%.3f ms on one connection)",
                Self.padded("a one-row query through the pool", 44) as NSString, trips.pool * 1000,
                trips.connection * 1000))

        print("\n== Listings through the gateway at \(endpoint), pages of 1,000 ==")
        print("walk                      entries   pages   seconds     keys/s   vs PG one query   best keys/s")
        for (name, walk, bucket, baseline) in [
            ("ListObjectsV2", ListingWalk.objectsV2, objects, scan), ("ListObjects (v1)", .objectsV1, objects, scan),
            ("ListObjectVersions", .versions, versions, versionScan),
        ] {
            var results: [(entries: Int, pages: Int, seconds: Double)] = []
            for _ in 0..<walks {
                let result = try await walk.run(s3: s3, bucket: bucket)
                guard result.entries == baseline.rows else {
                    throw ValidationError("\(name) listed \(result.entries) entries of \(baseline.rows)")
                }
                results.append(result)
            }
            results.sort { $0.seconds < $1.seconds }
            Self.printWalk(name, results[results.count / 2], best: results[0], baseline: baseline)
        }
        if walks > 1 { print("(each the median of \(walks) walks, the scans the median of \(walks) too)") }

        var pages: [Double] = []
        for _ in 0..<delimiterRuns {
            let started = ContinuousClock.now
            let page = ListingPage(
                try await s3.get(path: "/\(objects)", query: "delimiter=%2F&list-type=2&max-keys=1000"))
            pages.append((ContinuousClock.now - started).seconds)
            guard page.commonPrefixes == prefixCount, page.keys == 0 else {
                throw ValidationError(
                    "the delimiter page listed \(page.commonPrefixes) prefixes and \(page.keys) keys, not \(prefixCount)"
                )
            }
        }
        let page = Self.median(pages)
        print(
            String(
                format:
                    "\ndelimiter page: %d common prefixes of %d keys   %.1f ms (median of %d, best %.1f)   %.2fx PG's %.1f ms",
                prefixCount, keys, page * 1000, delimiterRuns, (pages.min() ?? 0) * 1000, page / probe, probe * 1000))
    }

    /// The database URL: the option, else the one in `$KSAN_HOME/cluster.json`.
    func postgresURL() throws -> String {
        if let postgresUrl { return postgresUrl }
        guard let home = ProcessInfo.processInfo.environment["KSAN_HOME"],
            let data = FileManager.default.contents(atPath: home + "/cluster.json"),
            let cluster = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let postgres = cluster["postgres"] as? [String: Any], let url = postgres["url"] as? String
        else {
            throw ValidationError("give --postgres-url or source the cluster's env file (KSAN_HOME/cluster.json)")
        }
        return url
    }

    func cleanUp(s3: S3BenchClient, fixture: ListingFixture, buckets: [String]) async throws {
        for bucket in buckets {
            try await fixture.empty(bucket: bucket)
            try await s3.send("DELETE", path: "/\(bucket)", expect: 204)
        }
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func printRate(_ label: String, _ result: (rows: Int, seconds: Double)) {
        print(
            String(
                format: "%@ %8d rows  %6.2f s  %9.0f rows/s", Self.padded(label, 44) as NSString, result.rows,
                result.seconds,
                Double(result.rows) / result.seconds))
    }

    static func printWalk(
        _ name: String, _ result: (entries: Int, pages: Int, seconds: Double),
        best: (entries: Int, pages: Int, seconds: Double), baseline: (rows: Int, seconds: Double)
    ) {
        let rate = Double(result.entries) / result.seconds
        let base = Double(baseline.rows) / baseline.seconds
        print(
            String(
                format: "%@ %10d  %6d  %8.2f  %9.0f   %5.2fx             %9.0f", Self.padded(name, 22) as NSString,
                result.entries, result.pages, result.seconds, rate, rate / base,
                Double(best.entries) / best.seconds))
    }

    /// The run of `walks` runs of a scan that took the median time.
    func median(_ scan: () async throws -> (rows: Int, seconds: Double)) async throws -> (rows: Int, seconds: Double) {
        var results: [(rows: Int, seconds: Double)] = []
        for _ in 0..<walks { results.append(try await scan()) }
        return results.sorted { $0.seconds < $1.seconds }[results.count / 2]
    }
}
