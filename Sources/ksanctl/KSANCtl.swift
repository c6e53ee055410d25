import ArgumentParser

/// `ksanctl`: the administration CLI of a KSAN cluster, over the portal API.
@main
struct KSANCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ksanctl",
        abstract: "Administers a KSAN cluster through its portal API.",
        discussion: """
            The portal's URL and an API key come from --portal-url and --api-key, else from $KSAN_PORTAL_URL and \
            $KSAN_API_KEY, else from the file --config (default ~/.config/ksan/ksanctl.conf, then \
            /etc/ksan/ksanctl.conf) with lines `portal_url = http://host:9400` and `api_key = ksan_...`. \
            After `source scratch/cluster/env` (cluster/up.sh) no flag is needed.

            Examples:
              ksanctl status
              ksanctl user create alice
              ksanctl key create alice            # prints the secret key once
              ksanctl key disable KS0123456789ABCDEFGH
              ksanctl bucket list --json
              ksanctl service list
              ksanctl config set gateway log-level=debug
              ksanctl join-token create --uses 3     # then on each new host: cluster/install.sh --join ...

            Exit status: 0 done; 1 refused by the portal (the message says why); 64 wrong usage; 3 the API key was \
            refused; 4 the portal could not be reached; 5 the portal failed.
            """,
        subcommands: [
            StatusCommand.self, ServerCommand.self, DiskCommand.self, PoolCommand.self, UserCommand.self,
            KeyCommand.self, BucketCommand.self, ServiceCommand.self, ZoneCommand.self, StorageClassCommand.self,
            ConfigCommand.self, JoinTokenCommand.self, JoinCommand.self, APIKeyCommand.self,
        ]
    )
}
