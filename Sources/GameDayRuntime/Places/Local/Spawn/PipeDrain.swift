import Foundation

/// Reads a child's piped stdout and stderr as they come, so that it never blocks on a full pipe,
/// keeping up to a limit of each and telling stderr's lines as they complete.
struct PipeDrain {
    private(set) var standardOutputBytes: [UInt8] = []
    private(set) var standardErrorBytes: [UInt8] = []
    private var open: [Int32]
    private let standardOutput: Int32
    private let standardError: Int32
    private let limit: Int
    private var lines: LineSplitter?
    private var chunk = [UInt8](repeating: 0, count: 65536)

    init(
        standardOutput: CapturedOutput, standardError: CapturedOutput, limit: Int,
        onStandardErrorLine: ((String) -> Void)?
    ) {
        self.standardOutput = standardOutput.kind == .pipe ? standardOutput.readEnd : -1
        self.standardError = standardError.kind == .pipe ? standardError.readEnd : -1
        open = [self.standardOutput, self.standardError].filter { $0 >= 0 }
        self.limit = limit
        lines = self.standardError >= 0 ? onStandardErrorLine.map(LineSplitter.init) : nil
    }

    /// Whether every pipe has reached its end.
    var isDone: Bool { open.isEmpty }

    /// Waits up to `wait` for data on the pipes (or for `extra` to become readable) and reads what came.
    mutating func poll(also extra: Int32?, for wait: Duration) {
        var fds = (open + (extra.map { [$0] } ?? [])).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let (seconds, attoseconds) = wait.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        guard Glibc.poll(&fds, nfds_t(fds.count), milliseconds) > 0 else { return }
        for entry in fds where entry.revents != 0 && entry.fd != extra {
            read(entry.fd)
        }
    }

    private mutating func read(_ fd: Int32) {
        let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else {
            if count == 0 || errno != EINTR {
                Glibc.close(fd)
                open.removeAll { $0 == fd }
            }
            return
        }
        if fd == standardError {
            standardErrorBytes += chunk[0..<min(count, max(0, limit - standardErrorBytes.count))]
            lines?.feed(chunk[0..<count])
        } else {
            standardOutputBytes += chunk[0..<min(count, max(0, limit - standardOutputBytes.count))]
        }
    }

    /// Closes the pipes that have not reached their end (something outside the group holds them).
    mutating func close() {
        for fd in open { Glibc.close(fd) }
        open = []
    }
}

/// Cuts a byte stream into lines and hands each complete one on.
struct LineSplitter {
    private var pending: [UInt8] = []
    private let line: (String) -> Void

    init(_ line: @escaping (String) -> Void) { self.line = line }

    mutating func feed(_ bytes: ArraySlice<UInt8>) {
        pending += bytes
        while let end = pending.firstIndex(of: 0x0a) {
            line(String(decoding: pending[..<end], as: UTF8.self))
            pending.removeSubrange(...end)
        }
    }
}
