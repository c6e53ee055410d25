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
        await main(arguments)
    }
}
