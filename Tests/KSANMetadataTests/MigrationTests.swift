import PostgresNIO
import Testing

@testable import KSANMetadata

@Suite("Schema migrations", .enabled(if: TestEnvironment.postgresEnabled))
struct MigrationTests {
    @Test func migrationsAreAppliedOnceAndAreIdempotent() async throws {
        try await TestDatabase.withDatabase { settings in
            try await TestDatabase.withClient(settings) { client in
                let store = PostgresMetadataStore(client: client, logger: TestEnvironment.logger)
                let first = try await store.migrate()
                #expect(first == Migrations.all.map(\.version))
                let second = try await store.migrate()
                #expect(second.isEmpty)
                let rows = try await client.query("SELECT version, name FROM schema_migrations ORDER BY version")
                var recorded: [Int] = []
                for try await (version, _) in rows.decode((Int, String).self) { recorded.append(version) }
                #expect(recorded == Migrations.all.map(\.version))
            }
        }
    }

    @Test func concurrentStartsAreSerialised() async throws {
        try await TestDatabase.withDatabase { settings in
            try await TestDatabase.withClient(settings, maxConnections: 4) { client in
                let store = PostgresMetadataStore(client: client, logger: TestEnvironment.logger)
                let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                    for _ in 0..<4 { group.addTask { try await store.migrate() } }
                    var all: [[Int]] = []
                    for try await result in group { all.append(result) }
                    return all
                }
                #expect(applied.filter { !$0.isEmpty } == [Migrations.all.map(\.version)])
            }
        }
    }

    @Test func schemaHasTheDocumentedTablesAndIndexes() async throws {
        try await TestDatabase.withStore { store in
            let rows = try await store.client.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
            var tables: [String] = []
            for try await table in rows.decode(String.self) { tables.append(table) }
            #expect(
                tables == [
                    "access_keys", "api_keys", "bucket_configs", "buckets", "completed_uploads", "disks", "gc_queue",
                    "hosts", "join_tokens", "multipart_parts",
                    "multipart_uploads", "objects", "outbox", "placement", "pools", "repair_queue", "schema_migrations",
                    "service_settings", "services", "storage_classes", "user_tokens", "users", "write_intents", "zones",
                ]
            )
            let collation = try await store.client.query(
                """
                SELECT collation_name FROM information_schema.columns
                WHERE table_name = 'objects' AND column_name = 'key'
                """
            )
            for try await name in collation.decode(String?.self) { #expect(name == "C") }
        }
    }
}
