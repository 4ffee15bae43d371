import Foundation
import GameDayCore

/// The dead-man's switch of one ledger entry, run as a detached `gameday watchdog` process:
/// it reverts the entry when the runner's heartbeat stops for longer than `timeout`, or when
/// the drill's maximum duration has passed, and exits as soon as the entry is reverted.
///
/// It is started *before* its entry is written, so no moment between the entry and its
/// watchdog goes unwatched: until the entry exists it waits while the runner lives, and
/// leaves when the runner is gone (or the deadline passed) without having written it.
public struct Watchdog: Sendable {
    public var store: LedgerStore
    public var entry: String
    public var heartbeat: String
    public var timeout: Duration
    /// Unix seconds.
    public var deadline: Double
    public var runnerPid: Int32
    public var recipes = RecipeRunner()
    public var poll: Duration = .milliseconds(250)
    /// Where its log lines go: stderr, which `gameday run` points at the entry's `.watchdog.log`.
    public var writeLog: @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }

    public init(
        store: LedgerStore, entry: String, heartbeat: String, timeout: Duration, deadline: Double, runnerPid: Int32
    ) {
        self.store = store
        self.entry = entry
        self.heartbeat = heartbeat
        self.timeout = timeout
        self.deadline = deadline
        self.runnerPid = runnerPid
    }

    /// Watches until the entry is reverted; returns what happened.
    public func watch() async -> String {
        log("watching (heartbeat \(heartbeat), timeout \(DurationText.format(timeout)), runner pid \(runnerPid))")
        var attempts = 0
        while true {
            if !FileManager.default.fileExists(atPath: store.path(of: entry)) {
                if let reason = unrecorded() { return reason }
                try? await Task.sleep(for: poll)
                continue
            }
            guard let current = try? store.read(entry) else { return "the entry \(entry) cannot be read" }
            guard current.isPending else { return "already reverted (\(current.note ?? "by someone else"))" }
            // The runner chose not to undo it yet (a cut-back that would make things worse): not ours to undo.
            guard current.state != .withheld else { return "left for gameday recover (\(current.note ?? "withheld"))" }
            if let reason = trigger() {
                attempts += 1
                do {
                    let what = try await revert(because: reason)
                    return what
                } catch {
                    log("revert attempt \(attempts) failed: \(error)")
                    // Keep trying for a while: a control plane busy or restarting answers later.
                    if attempts >= 20 { return "gave up after \(attempts) attempts: \(error); run 'gameday recover'" }
                    try? await Task.sleep(for: .seconds(min(attempts, 5)))
                    continue
                }
            }
            try? await Task.sleep(for: poll)
        }
    }

    /// Why the watchdog may leave before its entry was ever written, or nil while it may still be.
    /// The entry is looked for once more after the runner is found gone: nobody writes it after that.
    func unrecorded() -> String? {
        let reason: String
        if Date().timeIntervalSince1970 > deadline {
            reason = "the drill's maximum duration passed"
        } else if !ProcessTable().isAlive(runnerPid) {
            reason = "the runner (pid \(runnerPid)) is gone"
        } else {
            return nil
        }
        if FileManager.default.fileExists(atPath: store.path(of: entry)) { return nil }
        return "nothing to revert: \(reason) before it recorded \(entry)"
    }

    /// Why the watchdog must act now, or nil.
    func trigger() -> String? {
        RunnerLifeline(heartbeat: heartbeat, timeout: timeout, deadline: deadline, runnerPid: runnerPid).ended()
    }

    private func revert(because reason: String) async throws -> String {
        log("\(reason): reverting \((try? store.read(entry))?.summary ?? entry)")
        let outcome = try await LedgerRevert(store: store, recipes: recipes).revert(
            entry, as: "the watchdog (\(reason))")
        switch outcome {
        case .reverted(let what): log("reverted: \(what)")
        case .alreadyDone(let note): return "already reverted (\(note))"
        case .withheld: break
        }
        return outcome.text
    }

    private func log(_ line: String) {
        writeLog("\(WallClock.nowISO()) watchdog \(entry): \(line)\n")
    }
}
