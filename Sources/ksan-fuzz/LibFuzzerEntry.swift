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
#endif
