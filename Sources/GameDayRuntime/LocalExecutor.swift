import Foundation
import GameDayCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs commands on this host with `posix_spawn`, each in its own process group
/// so a timeout can kill it and everything it started.
public struct LocalExecutor: CommandExecutor {
    public let name = "local"

    public init() {}

    public func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
        guard let program = argv.first else { throw CommandError(argv: argv, message: "empty command") }
        // Output goes to unlinked temporary files, not pipes: a command that leaves a
        // daemon behind (a restart) must not keep us waiting for the pipe to close.
        let out = try Self.temporaryFile(argv)
        let err = try Self.temporaryFile(argv)
        defer {
            close(out)
            close(err)
        }
        let pid = try Self.spawn(argv, program: program, stdout: out, stderr: err)

        let timedOut = Mutex(false)
        let watchdog = Task.detached {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            timedOut.withLock { $0 = true }
            kill(-pid, SIGKILL)
        }
        let status = await Self.wait(pid)
        watchdog.cancel()
        return CommandOutput(
            exitCode: status, stdout: Self.read(out), stderr: Self.read(err), timedOut: timedOut.withLock { $0 })
    }

    private static func spawn(_ argv: [String], program: String, stdout: Int32, stderr: Int32) throws(CommandError)
        -> pid_t
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGINT)
        sigaddset(&defaultSignals, SIGTERM)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, program, &actions, &attributes, &cArgs, environ)
        guard result == 0 else {
            throw CommandError(argv: argv, message: String(cString: strerror(result)))
        }
        return pid
    }

    /// Waits for `pid` on a thread of its own; returns its exit code (128 + signal when killed).
    private static func wait(_ pid: pid_t) async -> Int32 {
        await OwnThread.run {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
    }

    private static func temporaryFile(_ argv: [String]) throws(CommandError) -> Int32 {
        var template = Array("/tmp/gameday-cmd-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw CommandError(
                argv: argv, message: "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    private static func read(_ fd: Int32) -> String {
        lseek(fd, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > 1 << 20 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
