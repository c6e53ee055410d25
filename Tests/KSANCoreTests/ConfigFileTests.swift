import Foundation
import Testing

@testable import KSANCore

/// The configuration file turned into the arguments it stands for, with flags and environment overriding it.
@Suite("The configuration file")
struct ConfigFileTests {
    static let toml = """
        [gateway]
        listen = "10.0.0.1:9000"
        domain = ["s3.example.com", "s3.other.test"]
        gc-grace = 60
        repair-interval = 2.5
        allow-open-api = true
        sigv2-max-expiry = 0

        [osd]
        host-id = "h1"
        disk = ["h1-d1=/srv/d1"]
        allow-open-api = false
        """

    func arguments(_ commandLine: [String], section: String = "gateway", environment: [String: String] = [:])
        throws -> [String]
    {
        let path = NSTemporaryDirectory() + "ksan-config-\(UUID().uuidString).toml"
        try Self.toml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ConfigFile.arguments(
            section: section, commandLine: commandLine.map { $0.replacingOccurrences(of: "FILE", with: path) },
            environment: environment)
    }

    @Test func aTableBecomesItsFlagsBeforeTheCommandLine() throws {
        #expect(
            try arguments(["--config", "FILE", "--log-level", "debug"]).filter { !$0.hasSuffix(".toml") } == [
                "--allow-open-api", "--domain", "s3.example.com", "--domain", "s3.other.test", "--gc-grace", "60",
                "--listen", "10.0.0.1:9000", "--repair-interval", "2.5", "--sigv2-max-expiry", "0", "--config",
                "--log-level", "debug",
            ])
        // Another table; a false boolean is a flag left out.
        #expect(
            try arguments(["--config=FILE"], section: "osd").dropLast() == [
                "--disk", "h1-d1=/srv/d1", "--host-id", "h1",
            ])
    }

    @Test func flagsAndTheEnvironmentWin() throws {
        // A flag on the command line replaces the file's value, arrays included.
        let flags = try arguments(["--config", "FILE", "--domain", "mine.test", "--listen=127.0.0.1:1"])
        #expect(!flags.contains("s3.example.com") && !flags.contains("10.0.0.1:9000"))
        #expect(flags.suffix(3) == ["--domain", "mine.test", "--listen=127.0.0.1:1"])
        // KSAN_<SECTION>_<KEY> replaces the file's value, in its type.
        let environment = [
            "KSAN_GATEWAY_LISTEN": "10.9.9.9:9000", "KSAN_GATEWAY_DOMAIN": "a.test,b.test",
            "KSAN_GATEWAY_ALLOW_OPEN_API": "false", "KSAN_GATEWAY_GC_GRACE": "5",
        ]
        let overridden = try arguments(["--config", "FILE"], environment: environment)
        #expect(overridden.contains("10.9.9.9:9000") && !overridden.contains("--allow-open-api"))
        #expect(overridden.starts(with: ["--domain", "a.test", "--domain", "b.test", "--gc-grace", "5"]))
        #expect(throws: ConfigFile.Problem.self) {
            try arguments(["--config", "FILE"], environment: ["KSAN_GATEWAY_ALLOW_OPEN_API": "yes"])
        }
    }

    @Test func withoutAFileTheCommandLineIsUsedAsItIs() throws {
        #expect(
            try ConfigFile.arguments(section: "gateway", commandLine: ["--listen", "x"], environment: [:]) == [
                "--listen", "x",
            ])
        // KSAN_CONFIG names the file when --config does not.
        let path = NSTemporaryDirectory() + "ksan-config-\(UUID().uuidString).toml"
        try Self.toml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(
            try ConfigFile.arguments(section: "osd", commandLine: [], environment: ["KSAN_CONFIG": path]).contains("h1")
        )
    }

    @Test func whatIsWrongIsSaid() throws {
        func problem(_ toml: String, section: String = "gateway") -> String? {
            do {
                _ = try ConfigFile.arguments(section: section, toml: toml, path: "f.toml", environment: [:])
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem("listen = ") != nil)
        #expect(problem("[portal]\nlisten = \"x\"")?.contains("no [gateway] table") == true)
        #expect(problem("[gateway]\ndisk = [1, 2]")?.contains("array of strings") == true)
        #expect(problem("[gateway]\nwhen = 1979-05-27")?.contains("must be") == true)
        #expect(problem("[gateway]\nsub = { a = 1 }")?.contains("must be") == true)
        #expect(throws: ConfigFile.Problem.self) {
            try ConfigFile.arguments(
                section: "gateway", commandLine: ["--config", "/nonexistent.toml"], environment: [:])
        }
    }
}

/// What `--check-config` prints.
@Suite("The configuration, described")
struct ConfigDescriptionTests {
    @Test func optionsAreOnePerLineWithPasswordsHidden() {
        let text = ConfigFile.describe([
            "--listen", "0.0.0.0:9300", "--allow-open-api", "--postgres-url", "postgres://ksan:s3cret@db:5432/ksan",
            "--amqp-url", "amqp://ksan:mq-pass@rabbitmq:5672/", "--postgres-url",
            "postgres://db/ksan?user=ksan&password=hunter2&sslmode=require", "--disk", "d1=/data/d1",
        ])
        #expect(
            text == """
                --listen 0.0.0.0:9300
                --allow-open-api
                --postgres-url postgres://ksan:***@db:5432/ksan
                --amqp-url amqp://ksan:***@rabbitmq:5672/
                --postgres-url postgres://db/ksan?user=ksan&password=***&sslmode=require
                --disk d1=/data/d1

                """)
        #expect(!text.contains("s3cret") && !text.contains("mq-pass") && !text.contains("hunter2"))
        // A URL without a password, and a value with an @ but no user information, are left as they are.
        #expect(ConfigFile.redactingPasswords("http://metadata:9300/") == "http://metadata:9300/")
        #expect(ConfigFile.redactingPasswords("amqp://guest@h:5672/") == "amqp://guest@h:5672/")
        #expect(ConfigFile.redactingPasswords("user@example.com") == "user@example.com")
        #expect(ConfigFile.redactingPasswords("http://h:9300/a@b:c") == "http://h:9300/a@b:c")
    }
}
