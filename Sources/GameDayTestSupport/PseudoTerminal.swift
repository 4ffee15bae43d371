import Foundation
import GameDayRuntime
import Synchronization

/// A program run the way a person runs it at a terminal: its stdin, stdout and stderr on the
/// slave side of a pseudo-terminal (`posix_openpt`), in a session of its own (`Spawn.onTerminal`). A test reads what
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
        let spawned: SpawnedProcess
        do {
            spawned = try Spawn.onTerminal(argv, terminal: slave, environment: environment).start()
        } catch {
            close(master)
            throw POSIXError(.init(rawValue: error.code) ?? .EIO)
        }
        self.pid = spawned.pid
        self.master = master
        reader = Mutex(nil)
        let started = OwnThread.start { [self] in readAll() }
        reader.withLock { $0 = started }
    }

    /// `unlockpt` and `ptsname_r`, which Swift's Glibc module does not export (they need
    /// `_XOPEN_SOURCE`); `grantpt` is a no-op with devpts.
    private static let unlockpt = UnexportedGlibc.function("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    private static let ptsname = UnexportedGlibc.function(
        "ptsname_r", as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32).self)

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
