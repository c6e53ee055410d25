import ArgumentParser

/// `--config FILE` and `--check-config` of every ``ConfiguredCommand``: declared here so that `--help` lists them and
/// the parser accepts them; the command's `main` has read the file before parsing, and answers `--check-config`.
public struct ConfigFileOption: ParsableArguments {
    @Option(
        help: """
            A configuration file (TOML) whose table for this service ([metadata], [osd], [gateway] or [portal]) \
            gives options by their long names; flags and KSAN_<SERVICE>_<KEY> variables override it \
            (default: $KSAN_CONFIG).
            """)
    public var config: String?

    @Flag(
        help: """
            Check the configuration (file, environment and flags) as a start would, print the options it comes to \
            (passwords in URLs hidden) and exit without starting: 0 if it is valid.
            """)
    public var checkConfig = false

    public init() {}
}
