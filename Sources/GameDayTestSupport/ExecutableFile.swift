import Foundation
import GameDayRuntime

/// Scripts that tests write and then run: stand-in `kubectl`s, the fake cluster's wrapper.
public enum ExecutableFile {
    /// Writes `text` to `path` (mode 0755) through a close-on-exec descriptor, then runs it with
    /// `probeArgument` until it starts: a process spawned by a parallel test between open and close
    /// may still hold the file open for writing, and exec then fails with ETXTBSY ("Text file
    /// busy") for a moment. The script must exit 0 at once when given `probeArgument`.
    public static func write(_ text: String, to path: String, probeArgument: String = "--fake-probe") throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
        for _ in 0..<100 {
            if let probe = try? Spawn([path, probeArgument]).start() {
                _ = probe.finish()
                return
            }
            usleep(20_000)
        }
        throw CocoaError(.executableNotLoadable)
    }
}
