#if KSAN_LIBFUZZER
    import Foundation
    import KSANS3

    /// The target libFuzzer drives, named by `KSAN_FUZZ_TARGET` (scripts/fuzz.sh sets it).
    private let target: @Sendable ([UInt8]) -> Void = {
        let name = ProcessInfo.processInfo.environment["KSAN_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTargets.target(name) else {
            let names = FuzzTargets.all.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("KSAN_FUZZ_TARGET must be one of: \(names)\n".utf8))
            exit(2)
        }
        return target
    }()

    /// libFuzzer's entry point: one input.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        target(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }

    /// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links). Its arguments are pointers and its result an
    /// `int`, which Swift's calling convention passes as C does.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// The executable's entry point, under the name SwiftPM gives an executable target's `main`: it hands the
    /// command line to libFuzzer, whose own `main` is then not linked.
    @_cdecl("ksan_fuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var arguments = argv
        return runDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
    }
#endif
