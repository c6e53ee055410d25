import ArgumentParser
import Foundation

/// A service executable whose options may come from the configuration file (``ConfigFile``): its `main` reads the
/// file's table ``configSection`` into arguments before the command line, then parses and runs as usual.
public protocol ConfiguredCommand: AsyncParsableCommand {
    /// The table of the file this executable reads (`gateway`, `osd`, `metadata`, `portal`).
    static var configSection: String { get }
}

extension ConfiguredCommand {
    public static func main() async {
        let arguments: [String]
        do {
            arguments = try ConfigFile.arguments(
                section: configSection, commandLine: Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        if arguments.contains("--check-config") { checkConfig(arguments) }
        await main(arguments)
    }

    /// `--check-config`: parses and validates `arguments` as a start would, prints the options they come to (and the
    /// variables the options fall back to), and exits: 0 if valid, as a start would fail otherwise.
    static func checkConfig(_ arguments: [String]) -> Never {
        do {
            _ = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        print(ConfigFile.describe(arguments.filter { $0 != "--check-config" }), terminator: "")
        // What the options fall back to when not given (their help says so).
        let environment = ProcessInfo.processInfo.environment
        for name in [
            "KSAN_AMQP_URL", "KSAN_CLUSTER_KEY", "KSAN_API_KEY", "KSAN_ADMIN_ACCESS_KEY", "KSAN_ADMIN_SECRET_KEY",
        ] where environment[name] != nil {
            let value = name == "KSAN_AMQP_URL" ? ConfigFile.redactingPasswords(environment[name]!) : "(set)"
            print("$\(name) \(value)")
        }
        Foundation.exit(0)
    }
}
