import Foundation
import GameDayCore

/// Reads and writes ledger entries as JSON files under `<state>/ledger/<run id>/`, durably
/// (written to a temporary file, fsynced, renamed, directory fsynced), each guarded by `flock`.
public struct LedgerStore: Sendable {
    public let root: String

    public init(stateDirectory: String) { root = "\(stateDirectory)/ledger" }

    public func path(of id: String) -> String { "\(root)/\(id).json" }

    /// Writes `entry` durably.
    public func write(_ entry: LedgerEntry) throws {
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

    /// Runs `body` holding an exclusive lock on the entry, so the runner, the watchdog and
    /// `gameday recover` never revert the same entry at the same time.
    public func withLock<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        let lockPath = path(of: id) + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LedgerError.unwritable(lockPath, String(cString: strerror(errno))) }
        defer { close(fd) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        defer { flock(fd, LOCK_UN) }
        return try await body()
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
