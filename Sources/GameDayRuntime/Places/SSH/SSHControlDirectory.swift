import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A private directory (0700) for ssh's control sockets, with a path short enough for them.
///
/// A Unix socket path holds at most 107 bytes on Linux, and ssh adds a 17-byte random suffix while
/// it creates the socket; `%C` (a 40-character hash of host, port and user) keeps one socket per
/// destination. So the directory lives under `/tmp` with a short name, not under a long `$TMPDIR`.
public struct SSHControlDirectory: Sendable, Hashable {
    public let path: String

    /// The most a directory path may take: 107 − "/" − 40 (`%C`) − 17 (ssh's temporary suffix).
    static let maximumPathLength = 107 - 1 - 40 - 17

    /// Creates a fresh directory `/tmp/gdssh-PID-XXXXXX` (or under `parent`), mode 0700, after
    /// removing those of runners that are gone (a runner killed with SIGKILL cannot remove its own).
    public static func create(under parent: String = "/tmp") throws(SSHError) -> SSHControlDirectory {
        removeLeftovers(under: parent)
        var template = Array("\(parent)/gdssh-\(getpid())-XXXXXX".utf8CString)
        guard template.count - 1 <= maximumPathLength else {
            throw .controlDirectory(
                "'\(parent)' is too long for control sockets (a directory of at most \(maximumPathLength) bytes is needed)"
            )
        }
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard made else {
            throw .controlDirectory("cannot create a directory under \(parent): \(String(cString: strerror(errno)))")
        }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // mkdtemp already makes 0700; say so anyway, whatever the umask.
        chmod(path, 0o700)
        return SSHControlDirectory(path: path)
    }

    /// Removes `gdssh-PID-*` directories under `parent` whose runner (PID) no longer exists. Their
    /// masters, if any still run, exit by themselves when their ControlPersist time is up.
    static func removeLeftovers(under parent: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix("gdssh-") {
            let parts = name.dropFirst("gdssh-".count).split(separator: "-")
            guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, kill(pid, 0) != 0, errno == ESRCH else {
                continue
            }
            try? FileManager.default.removeItem(atPath: "\(parent)/\(name)")
        }
    }

    /// The `ControlPath` value: one socket per user, host and port.
    public var controlPath: String { "\(path)/%C" }

    /// Removes the directory and any socket left in it. Close the executors first: a master whose
    /// socket is gone cannot be told to exit any more.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
