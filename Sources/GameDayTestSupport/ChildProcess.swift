import Dispatch
import Foundation
import GameDayCore
import GameDayRuntime

/// Runs a program to completion and collects its output: argv only, never a shell.
public enum ChildProcess {
    /// What a finished program left behind.
    public struct Output: Sendable, Hashable {
        /// The exit status, or 128 + the signal that ended it.
        public var exitCode: Int32
        public var stdout: String
        public var stderr: String
        /// True when the timeout fired and the process group was killed.
        public var timedOut: Bool

        /// stdout and stderr, for failure messages.
        public var transcript: String {
            "exit \(exitCode)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
        }
    }

    /// A program that could not be started.
    public struct LaunchFailure: Error, CustomStringConvertible, Sendable {
        public var argv: [String]
        public var code: Int32
        public var description: String { "cannot run \(argv.first ?? "?"): \(String(cString: strerror(code)))" }
    }

    /// Runs `argv` in its own process group; after `timeout` the whole group gets SIGKILL so nothing
    /// it started in that group outlives the call. Runs on a thread of its own (`OwnThread`), so it
    /// completes even when the calling task is cancelled (cleanup relies on that).
    ///
    /// `onStderrLine` is told each line of stderr as it arrives, with the program's pid: a test can
    /// act on the program's own progress (signal it when a phase starts) instead of sleeping.
    public static func run(
        _ argv: [String], environment: [String: String]? = nil, timeout: Duration = .seconds(60),
        onStderrLine: (@Sendable (_ line: String, _ pid: pid_t) -> Void)? = nil
    ) async throws -> Output {
        try await OwnThread.run {
            Result {
                try runBlocking(argv, environment: environment, timeout: timeout, onStderrLine: onStderrLine)
            }
        }.get()
    }

    private static func runBlocking(
        _ argv: [String], environment: [String: String]?, timeout: Duration,
        onStderrLine: (@Sendable (String, pid_t) -> Void)?
    ) throws -> Output {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw LaunchFailure(argv: argv, code: errno)
        }
        // Our ends must not leak into other children (they would hold the pipes open); pipe2 is not
        // exported to Swift, so close-on-exec is set right after, and the child closes strays itself.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        _ = addCloseFrom?(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        // The caller may block or ignore signals (Foundation's Process leaves its children with most
        // signals blocked, for one); the program under test should see the defaults.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in environmentStrings ?? [] { free(pointer) } }
        var pid: pid_t = 0
        let spawned =
            environmentStrings.map { posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, $0) }
            ?? posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw LaunchFailure(argv: argv, code: spawned)
        }

        let deadline = ContinuousClock.now + timeout
        let lines = onStderrLine.map { told in LineSplitter { told($0, pid) } }
        let (stdout, stderr, drainTimedOut) = drain(
            outPipe[0], errPipe[0], processGroup: pid, deadline: deadline, onStderr: lines)
        var timedOut = drainTimedOut
        // The pipes can close before the process ends (it may close them itself): wait, still bounded.
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            if !timedOut, ContinuousClock.now >= deadline {
                timedOut = true
                kill(-pid, SIGKILL)
            }
            usleep(10_000)
        }
        let exited = status & 0x7f == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(
            exitCode: code, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self), timedOut: timedOut)
    }

    /// Reads both pipes until they close; kills the process group when the deadline passes.
    private static func drain(
        _ out: Int32, _ err: Int32, processGroup: pid_t, deadline: ContinuousClock.Instant, onStderr: LineSplitter?
    ) -> ([UInt8], [UInt8], Bool) {
        defer {
            close(out)
            close(err)
        }
        let clock = ContinuousClock()
        var buffers: [Int32: [UInt8]] = [out: [], err: []]
        var open: Set<Int32> = [out, err]
        var timedOut = false
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            if !timedOut, clock.now >= deadline {
                timedOut = true
                kill(-processGroup, SIGKILL)
            }
            // Something outside the group may still hold a pipe open; after the kill, stop waiting for it.
            if timedOut, clock.now > deadline + .seconds(5) { break }
            let waitMilliseconds = timedOut ? 200 : Int32(max(0, min((deadline - clock.now).milliseconds, 1000)))
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if poll(&fds, nfds_t(fds.count), waitMilliseconds) < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in fds where entry.revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    buffers[entry.fd]! += chunk[0..<count]
                    if entry.fd == err { onStderr?.feed(chunk[0..<count]) }
                } else if count == 0 || errno != EINTR {
                    open.remove(entry.fd)
                }
            }
        }
        return (buffers[out]!, buffers[err]!, timedOut)
    }
}

/// Cuts a byte stream into lines and hands each complete one on.
private final class LineSplitter {
    private var pending: [UInt8] = []
    private let line: (String) -> Void

    init(_ line: @escaping (String) -> Void) { self.line = line }

    func feed(_ bytes: ArraySlice<UInt8>) {
        pending += bytes
        while let end = pending.firstIndex(of: 0x0a) {
            line(String(decoding: pending[..<end], as: UTF8.self))
            pending.removeSubrange(...end)
        }
    }
}

/// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), looked up at run time because Swift's
/// Glibc module does not export it; nil on an older C library.
private let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32)? = {
    guard let library = dlopen(nil, RTLD_NOW),
        let symbol = dlsym(library, "posix_spawn_file_actions_addclosefrom_np")
    else { return nil }
    return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self)
}()
