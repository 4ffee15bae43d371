import Foundation

/// Starts a process that outlives its parent: its own session (`setsid`), stdin from /dev/null,
/// stdout and stderr appended to a log file, and no other inherited descriptor, so nothing of the
/// caller (a test's pipes, a terminal) is kept open by the lab.
enum DetachedProcess {
    static func spawn(executable: String, arguments: [String], logFile: String) throws(LabError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        _ = addCloseFrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals ignored or blocked by the caller (a test harness) must not carry over to a server
        // that relies on SIGTERM to shut down.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        let setsid: Int16 = 0x80  // POSIX_SPAWN_SETSID; the macro is hidden behind __USE_GNU.
        posix_spawnattr_setflags(
            &attributes, setsid | Int16(POSIX_SPAWN_SETSIGDEF) | Int16(POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw .spawnFailed(
                service: URL(fileURLWithPath: logFile).deletingPathExtension().lastPathComponent, errno: result)
        }
        return pid
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
