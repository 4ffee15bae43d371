import Foundation
import GameDayCore

/// One run per target on this machine at a time, wherever it starts and whatever its state
/// directory: an `flock` on `<lock directory>/<identity>.lock`, released by the kernel when the
/// runner exits however it exits. The file records who holds it (`TargetLockRecord`), for the
/// refusal of a second run and for `gameday status`.
///
/// A lock file is removed by whoever holds its lock (its run when done, or a later look that finds
/// it abandoned by a killed run); each taker checks after locking that the path still names the
/// file it locked, so a file removed meanwhile is never held by two runs.
public final class TargetLock: Sendable {
    public let path: String
    public let record: TargetLockRecord
    private let fd: Int32

    private init(path: String, record: TargetLockRecord, fd: Int32) {
        self.path = path
        self.record = record
        self.fd = fd
    }

    /// Takes the lock of the record's target in `directory` and writes the record in it, or says
    /// who holds it. A holder that lets go within `patience` (a `gameday status` looking) is
    /// waited for.
    public static func take(
        _ record: TargetLockRecord, in directory: String, patience: Duration = .seconds(1)
    ) async throws(TargetLockError) -> TargetLock {
        let path = "\(directory)/\(record.identity.lockFileName)"
        let deadline = ContinuousClock.now + patience
        var recreated = false
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            if fd < 0, errno == ENOENT, !recreated {
                // The directory went (a tmpfs cleaner, someone tidying /run) since it was chosen.
                recreated = true
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                continue
            }
            guard fd >= 0 else { throw .unusable(path, String(cString: strerror(errno))) }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                if names(path, fd) {
                    let lock = TargetLock(path: path, record: record, fd: fd)
                    lock.write()
                    return lock
                }
                // Removed by its last holder between our open and our lock: take the new file.
                close(fd)
                continue
            }
            close(fd)
            if ContinuousClock.now >= deadline || Task.isCancelled {
                throw .held(target: record.target, by: TargetLockRecord.read(path))
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Removes the file and lets go (the order matters: see the type's summary).
    public func release() {
        unlink(path)
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Who holds a lock in `directory` now, oldest first (a run that has just locked but not yet
    /// written its record is left out). Lock files of runs that were killed are removed on the way.
    public static func running(in directory: String) -> [TargetLockRecord] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var holders: [TargetLockRecord] = []
        for file in files where file.hasSuffix(".lock") {
            let path = "\(directory)/\(file)"
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            // A shared lock only to look: a run taking the lock meanwhile waits its patience out.
            if flock(fd, LOCK_SH | LOCK_NB) != 0 {
                if let record = TargetLockRecord.read(path) { holders.append(record) }
            } else if flock(fd, LOCK_EX | LOCK_NB) == 0, names(path, fd) {
                unlink(path)
            }
        }
        return holders.sorted { ($0.startedAt, $0.runId) < ($1.startedAt, $1.runId) }
    }

    /// Whether `path` still names the file open as `fd`.
    private static func names(_ path: String, _ fd: Int32) -> Bool {
        var opened = stat()
        var named = stat()
        return fstat(fd, &opened) == 0 && stat(path, &named) == 0 && opened.st_dev == named.st_dev
            && opened.st_ino == named.st_ino
    }

    private func write() {
        guard let data = try? record.encoded() else { return }
        ftruncate(fd, 0)
        _ = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }
}

/// Why the target's lock could not be taken.
public enum TargetLockError: Error, LocalizedError, Equatable {
    case held(target: String, by: TargetLockRecord?)
    case unusable(String, String)

    public var errorDescription: String? {
        switch self {
        case .held(let target, let holder):
            "another drill is running against target \(target): \(holder?.description ?? "a run that has not written its record yet"); "
                + "wait for it to finish ('gameday status' lists the drills running on this machine)"
        case .unusable(let path, let reason):
            "the target lock \(path) cannot be used: \(reason); check the directory's owner and permissions"
        }
    }
}
