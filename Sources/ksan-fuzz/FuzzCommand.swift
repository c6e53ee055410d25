#if !KSAN_LIBFUZZER
    import ArgumentParser
    import Foundation
    import KSANS3

    /// `ksan-fuzz`: runs the parsers of request input (``FuzzTargets``) on mutations of their seed corpora. A target
    /// that traps kills the process, which then exits non-zero, leaving the input in `crash-<target>-seed<N>.bin`
    /// to replay with `--replay`.
    @main
    struct FuzzCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ksan-fuzz",
            abstract: "Fuzz the parsers of request input with a seeded mutator (scripts/fuzz.sh drives libFuzzer).")

        @Argument(help: "Targets to run (default: all): \(FuzzTargets.all.map(\.name).joined(separator: ", ")).")
        var targets: [String] = []

        @Option(help: "Inputs per target.")
        var runs: Int = 100_000

        @Option(help: "The random seed (a run is reproducible from it).")
        var seed: UInt64 = 1

        @Option(help: "A directory of seed corpora, one subdirectory per target (repeat for several).")
        var seeds: [String] = ["tests/fuzz/seeds"]

        @Option(help: "The directory of dictionaries, <target>.dict (libFuzzer's format).")
        var dictionaries: String = "tests/fuzz/dict"

        @Option(help: "The longest input made, in bytes (libFuzzer's default is 4096).")
        var maxLength: Int = 8192

        @Option(help: "Replay these files through the targets instead of fuzzing.")
        var replay: [String] = []

        func validate() throws {
            for name in targets where FuzzTargets.target(name) == nil {
                throw ValidationError("unknown target \(name)")
            }
            guard runs > 0, maxLength > 0 else { throw ValidationError("--runs and --max-length must be positive") }
        }

        func run() throws {
            let chosen = targets.isEmpty ? FuzzTargets.all.map(\.name) : targets
            for name in chosen {
                let target = FuzzTargets.target(name)!
                if !replay.isEmpty {
                    for file in replay { target(Array(try Data(contentsOf: URL(fileURLWithPath: file)))) }
                    print("\(name): replayed \(replay.count) input(s), no crash")
                    continue
                }
                let corpus = seeds.flatMap { Self.files(in: $0 + "/" + name) }
                var mutator = SeededMutator(
                    corpus: corpus, tokens: Self.tokens(dictionaries + "/" + name + ".dict"), seed: seed,
                    maxLength: maxLength)
                let crashFile = "crash-\(name)-seed\(seed).bin"
                let recorder = CrashRecorder(path: crashFile)
                let started = ContinuousClock.now
                for seedInput in corpus {
                    recorder.record(seedInput)
                    target(seedInput)
                }
                for _ in 0..<runs {
                    let input = mutator.next()
                    recorder.record(input)
                    target(input)
                }
                recorder.finish()
                let seconds =
                    Double((ContinuousClock.now - started).components.attoseconds) / 1e18
                    + Double((ContinuousClock.now - started).components.seconds)
                print(
                    "\(name): \(runs) inputs (seed \(seed), \(corpus.count) seed files), 0 crashes, "
                        + "\(Int(Double(runs) / max(seconds, 0.001))) inputs/s")
            }
        }

        /// The contents of every file of a directory.
        static func files(in directory: String) -> [[UInt8]] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted() ?? []
            return names.compactMap { try? Array(Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))) }
        }

        /// The tokens of a libFuzzer dictionary: one `"..."` string a line, with `\\xNN` and `\\"` escapes.
        static func tokens(_ path: String) -> [[UInt8]] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { line in
                guard let open = line.firstIndex(of: "\""), let close = line.lastIndex(of: "\""), open < close else {
                    return nil
                }
                var bytes: [UInt8] = []
                var utf8 = Array(line[line.index(after: open)..<close].utf8)[...]
                while let byte = utf8.popFirst() {
                    if byte == UInt8(ascii: "\\"), let next = utf8.popFirst() {
                        if next == UInt8(ascii: "x"), utf8.count >= 2,
                            let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
                        {
                            bytes.append(value)
                            utf8 = utf8.dropFirst(2)
                        } else {
                            bytes.append(next)
                        }
                    } else {
                        bytes.append(byte)
                    }
                }
                return bytes
            }
        }
    }
#endif
