import ArgumentParser

/// `--config FILE` of every ``ConfiguredCommand``: declared here so that `--help` lists it and the parser accepts
/// it; the command's `main` has read the file before parsing.
public struct ConfigFileOption: ParsableArguments {
    @Option(
        help: """
            A configuration file (TOML) whose table for this service ([metadata], [osd], [gateway] or [portal]) \
            gives options by their long names; flags and KSAN_<SERVICE>_<KEY> variables override it \
            (default: $KSAN_CONFIG).
            """)
    public var config: String?

    public init() {}
}
