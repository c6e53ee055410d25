import Foundation

/// A RabbitMQ broker of a test's own (cluster/lib/rabbitmq.sh), for tests that stop or restart it: on ports from
/// ``TestPorts``, its files in a scratch directory, stopped by PID. Starting takes about 10 s. The broker of the whole
/// run, shared by the tests that leave it alone, is scripts/test.sh's (`KSAN_TEST_AMQP_URL`, see ``sharedURL()``).
public final class PrivateBroker: Sendable {
    public let directory: String
    public let port: Int
    /// `amqp://guest:guest@127.0.0.1:PORT/`.
    public let url: String

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The URL of the run's broker.
    public static func sharedURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["KSAN_TEST_AMQP_URL"], !url.isEmpty else {
            throw SetupError(description: "these tests need KSAN_TEST_AMQP_URL: run scripts/test.sh, which sets it")
        }
        return url
    }

    /// Starts a broker on a free port.
    public static func start() throws -> PrivateBroker {
        let directory = NSTemporaryDirectory() + "ksan-broker-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // PORT, PORT+1 and PORT+2: AMQP, the Erlang distribution and epmd.
        let port = try TestPorts.reserve(3)
        let broker = PrivateBroker(directory: directory, port: port)
        try broker.start()
        return broker
    }

    private init(directory: String, port: Int) {
        self.directory = directory
        self.port = port
        self.url = "amqp://guest:guest@127.0.0.1:\(port)/"
    }

    /// Starts the broker again (its durable queues and persistent messages kept).
    public func start() throws { try Self.shell("rmq_start '\(directory)' \(port)") }
    /// Stops the broker.
    public func stop() throws { try Self.shell("rmq_stop '\(directory)'") }

    /// Stops the broker and removes its files.
    public func destroy() {
        try? stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `script` in bash after sourcing cluster/lib/rabbitmq.sh.
    ///
    /// Spawned with posix_spawn and reaped with waitpid, not with Foundation's Process: Process notices an exit
    /// when a socket it gives the child closes, and the broker and epmd this script leaves running inherit it.
    @discardableResult
    static func shell(_ script: String) throws -> String {
        let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("cluster/lib/rabbitmq.sh")
        let outputPath = NSTemporaryDirectory() + "ksan-broker-shell-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var environment = ProcessInfo.processInfo.environment
        environment["KSAN_RMQ_LIB"] = library.path
        let arguments = ["/bin/bash", "-c", "source \"$KSAN_RMQ_LIB\" && " + script]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The broker must see SIGTERM: no signal blocked or ignored as in the test process's thread.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw SetupError(description: "cannot run bash: errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS, which Swift does not import.
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw SetupError(description: "`\(script)` failed (status \(status)): \(text)")
        }
        return text
    }
}
