import Foundation
import GameDayRuntime
import Synchronization

/// A program run the way a person runs it at a terminal: its stdin, stdout and stderr on the
/// slave side of a pseudo-terminal (`posix_openpt`), in a session of its own. A test reads what
/// it shows, waits for a line (never for a fixed time) and types answers.
public final class PseudoTerminal: Sendable {
    public let pid: pid_t
    private let master: Int32
    private let shown = Mutex<String>("")
    private let reader: Mutex<OwnThread.Started?>
    private let exited = Atomic<Bool>(false)

    /// Starts `argv` (`argv[0]` a path) on a new pseudo-terminal.
    public init(_ argv: [String], environment: [String: String]? = nil) throws {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var name = [CChar](repeating: 0, count: 128)
        guard let unlock = Self.unlockpt, let nameOf = Self.ptsname, unlock(master) == 0,
            nameOf(master, &name, name.count) == 0
        else {
            close(master)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        let slave = String(cString: name)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, it becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | 0x80))  // 0x80: POSIX_SPAWN_SETSID
        let arguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in arguments { free(pointer) } }
        let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in environmentStrings ?? [] { free(pointer) } }
        var pid: pid_t = 0
        let result =
            environmentStrings.map { posix_spawn(&pid, argv[0], &actions, &attributes, arguments, $0) }
            ?? posix_spawn(&pid, argv[0], &actions, &attributes, arguments, environ)
        guard result == 0 else {
            close(master)
            throw POSIXError(.init(rawValue: result) ?? .EIO)
        }
        self.pid = pid
        self.master = master
        reader = Mutex(nil)
        let started = OwnThread.start { [self] in readAll() }
        reader.withLock { $0 = started }
    }

    /// `unlockpt` and `ptsname_r`, which Swift's Glibc module does not export (they need
    /// `_XOPEN_SOURCE`); `grantpt` is a no-op with devpts.
    private static let unlockpt = symbol("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    private static let ptsname = symbol(
        "ptsname_r", as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32).self)

    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        guard let library = dlopen(nil, RTLD_NOW), let symbol = dlsym(library, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    /// Everything the program wrote so far.
    public var transcript: String { shown.withLock { $0 } }

    /// Waits until the program has shown `text`; false when it did not within `timeout`.
    public func waitFor(_ text: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if transcript.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return transcript.contains(text)
    }

    /// Types `text` at the terminal (a newline is Enter).
    public func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits for the program's exit status; after `timeout` its whole session gets SIGKILL.
    public func exitCode(timeout: Duration) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        // Whatever it left in the session (none should be left) goes too.
        kill(-pid, SIGKILL)
        exited.store(true, ordering: .relaxed)
        await reader.withLock { $0 }?.value()
        close(master)
        let signalled = status & 0x7f
        return signalled == 0 ? (status >> 8) & 0xff : 128 + signalled
    }

    /// Reads the master side until every slave is closed (EIO), or the program has exited and
    /// nothing more came for 100ms.
    private func readAll() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var ready = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while true {
            guard poll(&ready, 1, 100) != 0 else {
                if exited.load(ordering: .relaxed) { return }
                continue
            }
            let count = read(master, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            shown.withLock { $0 += text }
        }
    }
}
