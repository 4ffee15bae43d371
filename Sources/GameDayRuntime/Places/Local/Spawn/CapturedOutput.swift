import Foundation

/// This process's hold on one of a child's output streams when it is captured: a pipe (read as
/// the child writes) or an unlinked temporary file (read after it exits). Both descriptors are
/// close-on-exec, so no other child inherits them.
struct CapturedOutput: Sendable {
    enum Kind: Sendable {
        /// Not captured: /dev/null, a log file, or the other stream.
        case none
        case pipe
        case temporaryFile
    }

    let kind: Kind
    /// The descriptor this process reads; -1 when not captured.
    let readEnd: Int32
    /// The descriptor the child gets as stdout or stderr: a pipe's write end, or the temporary file.
    let childEnd: Int32

    init(_ output: Spawn.Output, argv: [String]) throws(Spawn.Failure) {
        switch output {
        case .pipe:
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw Spawn.Failure(argv: argv, step: .output, code: errno) }
            // pipe2 is not exported to Swift: close-on-exec is set right after. A child that our
            // spawner starts in between does not inherit the ends anyway: it closes every
            // descriptor above stderr.
            for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            (kind, readEnd, childEnd) = (.pipe, ends[0], ends[1])
        case .temporaryFile:
            var template = Array("/tmp/gameday-cmd-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw Spawn.Failure(argv: argv, step: .output, code: errno) }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            (kind, readEnd, childEnd) = (.temporaryFile, fd, fd)
        case .null, .append, .standardOutput:
            (kind, readEnd, childEnd) = (.none, -1, -1)
        }
    }

    /// After the start: the child has its copy of a pipe's write end.
    func closeChildEnd() {
        if kind == .pipe { close(childEnd) }
    }

    /// When the child could not be started.
    func closeBothEnds() {
        switch kind {
        case .none: break
        case .pipe:
            close(readEnd)
            close(childEnd)
        case .temporaryFile: close(readEnd)
        }
    }

    /// The first `limit` bytes the child wrote to its temporary file; closes it.
    func readTemporaryFile(limit: Int) -> [UInt8] {
        defer { close(readEnd) }
        // The child's writes moved the offset it shares with our descriptor.
        lseek(readEnd, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes += chunk[0..<min(count, limit - bytes.count)]
        }
        return bytes
    }
}
