import Foundation

/// How to start a program: its argv, where its output goes and how far it is cut off from this
/// process. The one place in the product that calls `posix_spawn`.
///
/// Every child starts with stdin from /dev/null, no descriptor of ours but the ones asked for,
/// every signal at its default action and none blocked (`gameday run` ignores SIGINT and SIGTERM
/// to count them itself; a child must not inherit that), and in a process group or session of
/// its own, so that killing that group ends everything it started.
public struct Spawn: Sendable {
    /// Where the child's stdout or stderr goes.
    public enum Output: Sendable, Hashable {
        /// /dev/null.
        case null
        /// Appended to a file, which is created with `mode` when missing.
        case append(path: String, mode: mode_t)
        /// A pipe this process reads as the child writes (`SpawnedProcess.finish` drains it).
        case pipe
        /// An unlinked temporary file, read once the child has exited: unlike a pipe, it does
        /// not keep the caller waiting for a daemon that the child left behind holding it open.
        case temporaryFile
        /// For stderr: wherever stdout goes.
        case standardOutput
    }

    /// What the child is cut off from.
    public enum Detachment: Sendable, Hashable {
        /// A process group of its own (its pid), still in this session: a timeout can kill the
        /// group, and a terminal's Ctrl-C reaches this process, which decides what to do.
        case processGroup
        /// A session of its own (`setsid`): no controlling terminal, so it outlives this process.
        case session
    }

    public var argv: [String]
    /// Whether a bare `argv[0]` is looked up in PATH (`posix_spawnp`); otherwise it is a path.
    public var searchesPath: Bool
    /// The child's whole environment; nil for this process's.
    public var environment: [String: String]?
    public var standardOutput: Output
    public var standardError: Output
    public var detachment: Detachment
    /// A terminal (a pseudo-terminal's slave) for stdin, stdout and stderr instead of the above,
    /// opened after `setsid`, so that it becomes the child's controlling terminal: see `onTerminal`.
    public var terminal: String?

    public init(
        _ argv: [String], searchesPath: Bool = false, environment: [String: String]? = nil,
        standardOutput: Output = .null, standardError: Output = .null, detachment: Detachment = .processGroup
    ) {
        self.argv = argv
        self.searchesPath = searchesPath
        self.environment = environment
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.detachment = detachment
    }

    /// A process that outlives this one (a watchdog, a lab service): its own session, stdout and
    /// stderr appended to `log`. `argv[0]` is an absolute path.
    public static func detached(_ argv: [String], log: String, logMode: mode_t = 0o600) -> Spawn {
        Spawn(
            argv, standardOutput: .append(path: log, mode: logMode), standardError: .standardOutput,
            detachment: .session)
    }

    /// A program run as a person runs it at a terminal: stdin, stdout and stderr on `terminal`, in
    /// a session of its own whose controlling terminal it is. `argv[0]` is a path.
    public static func onTerminal(_ argv: [String], terminal: String, environment: [String: String]? = nil) -> Spawn {
        var spawn = Spawn(argv, environment: environment, detachment: .session)
        spawn.terminal = terminal
        return spawn
    }

    /// Why a program could not be started.
    public struct Failure: Error, LocalizedError, Sendable {
        /// What failed: making the pipes or temporary files for the output, the start itself (a
        /// missing or non-executable program, a log that cannot be opened), or nothing: the caller
        /// was cancelled before the start (`run`).
        public enum Step: Sendable, Hashable {
            case output
            case start
            case cancelled
        }

        public var argv: [String]
        public var step: Step
        /// The `errno` value.
        public var code: Int32

        /// The system's words for `code`.
        public var reason: String { String(cString: strerror(code)) }

        public var errorDescription: String? {
            switch step {
            case .output: "cannot create a pipe or temporary file for \(argv.first ?? "?"): \(reason)"
            case .start: "cannot start \(argv.first ?? "?"): \(reason)"
            case .cancelled: "\(argv.first ?? "?") was not started: the run was cancelled"
            }
        }
    }

    /// Starts the program; the caller finishes it (`SpawnedProcess.finish`) unless it is detached.
    public func start() throws(Failure) -> SpawnedProcess {
        guard let program = argv.first else { throw Failure(argv: argv, step: .start, code: EINVAL) }
        let stdout = try CapturedOutput(standardOutput, argv: argv)
        let stderr: CapturedOutput
        do {
            stderr = try CapturedOutput(standardError, argv: argv)
        } catch {
            stdout.closeBothEnds()
            throw error
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let terminal {
            // Opened after setsid, it becomes the child's controlling terminal.
            posix_spawn_file_actions_addopen(&actions, 0, terminal, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            Self.redirect(1, to: standardOutput, from: stdout, in: &actions)
            Self.redirect(2, to: standardError, from: stderr, in: &actions)
        }
        // After the dup2s above, so that it closes their sources too. Our own descriptors are
        // close-on-exec, but a library's may not be, and a child that lingers would hold them.
        _ = Self.addCloseFrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        // The kernel refuses to change these two's actions; glibc would try, and ignore the error.
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        switch terminal == nil ? detachment : .session {
        case .processGroup:
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        case .session:
            flags |= UnexportedGlibc.spawnSetSession
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let arguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in arguments { free(pointer) } }
        let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in environmentStrings ?? [] { free(pointer) } }
        var pid: pid_t = 0
        func spawn(_ environment: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
            searchesPath
                ? posix_spawnp(&pid, program, &actions, &attributes, arguments, environment)
                : posix_spawn(&pid, program, &actions, &attributes, arguments, environment)
        }
        let result = environmentStrings.map { spawn($0) } ?? spawn(environ)
        guard result == 0 else {
            stdout.closeBothEnds()
            stderr.closeBothEnds()
            throw Failure(argv: argv, step: .start, code: result)
        }
        // Only the child may hold a pipe's write end, or reading it would never see its end.
        stdout.closeChildEnd()
        stderr.closeChildEnd()
        return SpawnedProcess(pid: pid, standardOutput: stdout, standardError: stderr)
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+, not exported to Swift): the child
    /// closes every descriptor from a number on.
    private static let addCloseFrom = UnexportedGlibc.function(
        "posix_spawn_file_actions_addclosefrom_np",
        as: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self)

    private static func redirect(
        _ fd: Int32, to output: Output, from end: CapturedOutput, in actions: inout posix_spawn_file_actions_t
    ) {
        switch output {
        case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
        case .append(let path, let mode):
            posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_APPEND, mode)
        case .pipe, .temporaryFile: posix_spawn_file_actions_adddup2(&actions, end.childEnd, fd)
        case .standardOutput: posix_spawn_file_actions_adddup2(&actions, 1, fd)
        }
    }
}
