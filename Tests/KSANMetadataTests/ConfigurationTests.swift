import Testing

@testable import KSANMetadata

@Suite("Configuration")
struct ConfigurationTests {
    @Test func parsesAPostgresURL() throws {
        let settings = try MetadataServiceConfiguration.Postgres(
            url: "postgres://ksan:s%40cret@db.example:6543/meta?sslmode=require"
        )
        #expect(settings.host == "db.example")
        #expect(settings.port == 6543)
        #expect(settings.username == "ksan")
        #expect(settings.password == "s@cret")
        #expect(settings.database == "meta")
        #expect(settings.tls == .require)
        #expect(!settings.description.contains("s@cret"))
        #expect(!settings.description.contains("s%40cret"))
    }

    @Test func parsesAURLWithoutPassword() throws {
        let settings = try MetadataServiceConfiguration.Postgres(url: "postgresql://postgres@127.0.0.1/ksan_test")
        #expect(settings.port == 5432)
        #expect(settings.password == nil)
        #expect(settings.tls == .prefer)
    }

    @Test(arguments: ["http://x@y/z", "postgres://user@host", "postgres:///db", "postgres://u@h/d?sslmode=maybe"])
    func rejectsBadURLs(url: String) {
        #expect(throws: MetadataError.self) { try MetadataServiceConfiguration.Postgres(url: url) }
    }

    @Test func descriptionHidesSecrets() {
        let configuration = MetadataServiceConfiguration(
            postgres: .init(password: "dbpass"), adminAccessKey: "AKIDADMIN", adminSecretKey: "topsecret"
        )
        #expect(!configuration.description.contains("dbpass"))
        #expect(!configuration.description.contains("topsecret"))
        #expect(configuration.description.contains("AKIDADMIN"))
    }

    @Test func errorsMapToHTTPStatuses() {
        #expect(MetadataError(.noSuchBucket).httpStatus == .notFound)
        #expect(MetadataError(.bucketNotEmpty).httpStatus == .conflict)
        #expect(MetadataError(.entityTooSmall).httpStatus == .badRequest)
        #expect(MetadataError(.unavailable).httpStatus == .serviceUnavailable)
        #expect(MetadataError(.internal).httpStatus == .internalServerError)
    }
}
