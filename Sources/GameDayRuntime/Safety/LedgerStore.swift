import Foundation
import GameDayCore

/// Reads and writes ledger entries as JSON files under `<state>/ledger/<run id>/`, durably
/// (written to a temporary file, fsynced, renamed, directory fsynced). Every change of an entry
/// is a read, a change and a write under the entry's `flock` (`create`, `modify`): the runner,
/// its watchdog and `gameday recover` each see what the other wrote, never an older copy.
public struct LedgerStore: Sendable {
    public let root: String

    public init(stateDirectory: String) { root = "\(stateDirectory)/ledger" }

    public func path(of id: String) -> String { "\(root)/\(id).json" }

    /// Writes a new entry durably, under its lock.
    public func create(_ entry: LedgerEntry) async throws {
        try await withLock(entry.id) { try save(entry) }
    }

    /// Reads the entry, lets `change` alter it and writes it back when it changed, all under the
    /// entry's lock; `change` may run a recipe meanwhile, and nobody else changes the entry until
    /// it returns. Nothing is written when `change` throws.
    public func modify<T>(_ id: String, _ change: (inout LedgerEntry) async throws -> T) async throws -> T {
        try await withLock(id) {
            let before = try read(id)
            var entry = before
            let value = try await change(&entry)
            if entry != before { try save(entry) }
            return value
        }
    }

    public func read(_ id: String) throws -> LedgerEntry {
        guard let data = FileManager.default.contents(atPath: path(of: id)) else {
            throw LedgerError.missing(path(of: id))
        }
        return try JSONDecoder().decode(LedgerEntry.self, from: data)
    }

    /// Every entry, oldest first.
    public func all() -> [LedgerEntry] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var entries: [LedgerEntry] = []
        for case let file as String in enumerator where file.hasSuffix(".json") {
            let id = String(file.dropLast(5))
            if let entry = try? read(id) { entries.append(entry) }
        }
        return entries.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Entries not yet reverted, for one target or all.
    public func pending(target: String? = nil) -> [LedgerEntry] {
        all().filter { $0.isPending && (target == nil || $0.target == target) }
    }

    // MARK: - Lock and write

    /// Runs `body` holding an exclusive lock on the entry. Not reentrant: `body` must not take the
    /// same entry's lock again (a second `flock` on a new descriptor would wait for itself).
    ///
    /// The wait cannot be cancelled: a run interrupted by Ctrl-C still has to record its reverts,
    /// and whoever holds the lock (a revert under way) lets go in bounded time.
    private func withLock<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        let lockPath = path(of: id) + ".lock"
        try FileManager.default.createDirectory(
            atPath: (lockPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LedgerError.unwritable(lockPath, String(cString: strerror(errno))) }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            // Held: wait for it on a thread of our own, not by polling the async pool.
            let locked = await OwnThread.run {
                while flock(fd, LOCK_EX) != 0 { if errno != EINTR { return errno } }
                return 0
            }
            guard locked == 0 else { throw LedgerError.unwritable(lockPath, String(cString: strerror(locked))) }
        }
        defer { flock(fd, LOCK_UN) }
        return try await body()
    }

    /// Writes `entry` durably; only under its lock (`create`, `modify`).
    private func save(_ entry: LedgerEntry) throws {
        let path = path(of: entry.id)
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(entry)
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LedgerError.unwritable(path, String(cString: strerror(errno))) }
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw LedgerError.unwritable(path, String(cString: strerror(errno)))
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}

/// Why the ledger could not be used.
public enum LedgerError: Error, LocalizedError, Equatable {
    case unwritable(String, String)
    case missing(String)

    public var errorDescription: String? {
        switch self {
        case .unwritable(let path, let reason): "the ledger entry \(path) cannot be written: \(reason)"
        case .missing(let path): "the ledger entry \(path) does not exist"
        }
    }
}

extension WallClock {
    /// The current wall-clock time, ISO 8601 UTC.
    public static func nowISO() -> String { format(Date()) }
}
