import Foundation

/// One run per target at a time: an `flock` on `<state>/locks/<target>.lock`, released by the
/// kernel when the runner exits however it exits, so a crashed run never leaves it stale.
public final class TargetLock: Sendable {
    private let fd: Int32
    public let path: String

    /// Takes the lock, or says who holds it.
    public init(stateDirectory: String, target: String, runId: String) throws(TargetLockError) {
        let directory = "\(stateDirectory)/locks"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = "\(directory)/\(target).lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unusable(path, String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines)
            close(fd)
            throw .held(target: target, by: holder ?? "another run")
        }
        ftruncate(fd, 0)
        let text = "run \(runId) (pid \(getpid()))\n"
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
    }

    public func release() {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Who holds the lock of `target` now, or nil when nobody does.
    public static func holder(stateDirectory: String, target: String) -> String? {
        let path = "\(stateDirectory)/locks/\(target).lock"
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Why the target's lock could not be taken.
public enum TargetLockError: Error, LocalizedError, Equatable {
    case held(target: String, by: String)
    case unusable(String, String)

    public var errorDescription: String? {
        switch self {
        case .held(let target, let holder):
            "another drill is running against target \(target) (\(holder)); wait for it to finish"
        case .unusable(let path, let reason): "the lock file \(path) cannot be used: \(reason)"
        }
    }
}
