import ArgumentParser

/// `ksan-bench`: benchmarks of a running cluster, each printed beside a baseline measured in the same run on the same
/// machine (`data`: PUT/GET against ISA-L, MD5 and the disk; `listing`: listings against PostgreSQL's own scan;
/// `rebuild`: the rebuild of a lost disk against the disk's bandwidth).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ksan-bench", abstract: "Benchmarks of a running KSAN cluster.",
        subcommands: [DataBench.self, ListingBench.self, RebuildBench.self], defaultSubcommand: DataBench.self)
}
