import Foundation

/// The heartbeat files of runs that are over. A runner removes its own when it exits, but one
/// killed with SIGKILL cannot: its file stays in `<state>/runs/` for good unless someone looks.
public struct StaleHeartbeats: Sendable {
    public let directory: String
    public let store: LedgerStore
    public var processes = ProcessTable()

    public init(stateDirectory: String) {
        directory = "\(stateDirectory)/runs"
        store = LedgerStore(stateDirectory: stateDirectory)
    }

    /// Removes each heartbeat whose runner is gone and whose ledger entries are all reverted;
    /// returns the run ids removed. A heartbeat with an entry still pending stays: its watchdogs
    /// read it, and it shows the run left something behind until its watchdog or `recover` is done.
    @discardableResult
    public func remove() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let pendingRuns = Set(store.pending().map(\.runId))
        var removed: [String] = []
        for file in files.sorted() where file.hasSuffix(".heartbeat") {
            let runId = String(file.dropLast(".heartbeat".count))
            let path = "\(directory)/\(file)"
            // The runner writes its pid when it creates the file; one without a pid is just being made.
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                !processes.isAlive(pid), !pendingRuns.contains(runId), unlink(path) == 0
            else { continue }
            removed.append(runId)
        }
        return removed
    }
}
