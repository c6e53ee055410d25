#if canImport(Glibc)
    import Glibc
#endif

/// Keeps the input being run in a file, so that when a target traps (and the process dies) the input that did it
/// is on disk to replay with `--replay`. Rewriting a small file costs two system calls an input: little next to
/// the parsers, and nothing to go wrong in a signal handler.
struct CrashRecorder {
    let path: String
    private let fd: Int32

    /// Opens (truncates) the file.
    init(path: String) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    }

    /// Records the input about to run.
    func record(_ input: [UInt8]) {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        input.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { _ = pwrite(fd, base, bytes.count, 0) }
        }
    }

    /// Closes and removes the file: the run ended without a crash.
    func finish() {
        if fd >= 0 { close(fd) }
        unlink(path)
    }
}
