import ArgumentParser
import Foundation
import KSANPortal

struct JoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join", abstract: "Join this host to a cluster with a join token (no API key needed).",
        discussion: """
            Trades the token for the cluster key, which is written to --cluster-key-file (mode 0600), and prints the \
            metadata service's and the broker's addresses. cluster/install.sh --join runs this for you.

            Examples:
              ksanctl join ksanj_... --portal-url http://10.0.0.11:9400 --host-id h4 --cluster-key-file ./cluster-key
              KSAN_JOIN_TOKEN=ksanj_... ksanctl join --portal-url http://10.0.0.11:9400 --host-id h4 \\
                  --cluster-key-file k --shell
            """)
    @Argument(
        help:
            "The join token (ksanctl join-token create prints one; default: $KSAN_JOIN_TOKEN, which ps does not show).")
    var token: String?
    @Option(help: "This host's id (its OSD's host id).") var hostId: String
    @Option(help: "Where to write the cluster key.") var clusterKeyFile: String
    @Flag(
        help: "Print KSAN_METADATA_URL='...' and KSAN_AMQP_URL='...' lines for a script (with the broker's password).")
    var shell = false
    @OptionGroup var options: PortalOptions

    func run() async throws {
        guard let token = token ?? ProcessInfo.processInfo.environment["KSAN_JOIN_TOKEN"], !token.isEmpty else {
            throw ValidationError("no join token: give it as the argument or in $KSAN_JOIN_TOKEN")
        }
        let client = try options.client(requiringKey: false)
        try await Output.run {
            let answer: JoinAnswer = try await client.post(
                "/join", JoinRequest(token: token, hostId: hostId))
            try Self.writeSecret(answer.clusterKey + "\n", to: clusterKeyFile)
            if shell {
                print("KSAN_METADATA_URL='\(answer.metadataUrl)'")
                if let amqp = answer.amqpUrl { print("KSAN_AMQP_URL='\(amqp)'") }
            } else if options.json {
                try Output.printJSON(
                    ["clusterKeyFile": clusterKeyFile, "metadataUrl": answer.metadataUrl, "amqpUrl": answer.amqpUrl])
            } else {
                print("joined as \(hostId): cluster key written to \(clusterKeyFile)")
                print("metadata-url  \(answer.metadataUrl)")
                print("amqp-url      \(answer.amqpUrl.map(Self.withoutPassword) ?? "-")")
            }
        }
    }

    /// Writes `text` to `path` with mode 0600 from the start (a temporary file beside it, then a rename).
    static func writeSecret(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw ValidationError("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ValidationError("cannot write \(path): \(reason)")
        }
    }

    /// `amqp://user:***@host/`, for showing.
    static func withoutPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", range: scheme.upperBound..<url.endIndex),
            let colon = url.range(of: ":", range: scheme.upperBound..<at.lowerBound)
        else { return url }
        return String(url[..<colon.upperBound]) + "***" + String(url[at.lowerBound...])
    }
}
