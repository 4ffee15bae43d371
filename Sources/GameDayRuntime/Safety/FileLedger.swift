import Foundation
import GameDayCore
import Synchronization

/// The runner's ledger on disk. Each entry is durable before the fault is applied; with a
/// watchdog configured, each entry also gets a detached process that reverts it if the
/// runner's heartbeat stops or the drill's maximum duration passes.
public final class FileLedger: FaultLedger {
    public struct Watchdog: Sendable {
        /// The `gameday` executable to run as `gameday watchdog`.
        public var executable: String
        public var heartbeat: String
        /// How long the heartbeat may be silent before the watchdog reverts.
        public var timeout: Duration
        /// Wall-clock time (Unix seconds) after which the watchdog reverts whatever happens.
        public var deadline: Double

        public init(executable: String, heartbeat: String, timeout: Duration, deadline: Double) {
            self.executable = executable
            self.heartbeat = heartbeat
            self.timeout = timeout
            self.deadline = deadline
        }
    }

    public let store: LedgerStore
    public let runId: String
    public let target: String
    public let watchdog: Watchdog?
    public let recipes: RecipeRunner
    private let sequence = Mutex(0)

    public init(
        store: LedgerStore, runId: String, target: String, watchdog: Watchdog?, recipes: RecipeRunner = RecipeRunner()
    ) {
        self.store = store
        self.runId = runId
        self.target = target
        self.watchdog = watchdog
        self.recipes = recipes
    }

    public func intend(_ fault: any PreparedFault) async throws -> LedgerTicket {
        let ready = try ReadyFault.of(fault)
        return try await intend(fault.spec.name, unit: fault.spec.unit, recipe: ready.recipe)
    }

    public func intendCutover(drill: String, target: String, unit: String) async throws -> LedgerTicket {
        try await intend("cutover", unit: unit, recipe: RevertRecipe(steps: [.cutback(drill: drill, target: target)]))
    }

    /// Starts the entry's watchdog, then records `recipe` for `what`, durably.
    public func intend(_ what: String, unit: String, recipe: RevertRecipe) async throws -> LedgerTicket {
        let number = sequence.withLock { value in
            value += 1
            return value
        }
        let id = "\(runId)/\(String(format: "%02d", number))-\(Self.slug(what))"
        // The watchdog first: a runner killed between the two leaves either nothing to revert
        // (the watchdog then leaves too) or an entry that is watched, never an unwatched one.
        if let watchdog {
            try startWatchdog(watchdog, entry: id)
        }
        let now = WallClock.nowISO()
        try await store.create(
            LedgerEntry(
                id: id, runId: runId, target: target, what: what, unit: unit, recipe: recipe, state: .intended,
                runnerPid: getpid(), createdAt: now, updatedAt: now))
        return LedgerTicket(id: id)
    }

    public func applied(_ ticket: LedgerTicket) async { await update(ticket, state: .applied, note: nil) }

    public func narrow(_ ticket: LedgerTicket, to places: [String]) async {
        _ = try? await store.modify(ticket.id) { entry in
            entry.recipe = entry.recipe.narrowed(to: Set(places))
            entry.updatedAt = WallClock.nowISO()
        }
    }

    public func reverted(_ ticket: LedgerTicket) async { await update(ticket, state: .reverted, note: "the run") }

    public func withhold(_ ticket: LedgerTicket, reason: String) async {
        await update(ticket, state: .withheld, note: "withheld by the run: \(reason)")
    }

    /// The run's rollback: the same revert as a watchdog's and `gameday recover`'s.
    public func revert(_ ticket: LedgerTicket) async throws -> String {
        try await LedgerRevert(store: store, recipes: recipes).revert(ticket.id, as: "the run").text
    }

    /// Under the entry's lock: a watchdog reverting it meanwhile finishes first, and its
    /// `reverted` is what this reads (and keeps).
    private func update(_ ticket: LedgerTicket, state: LedgerEntry.State, note: String?) async {
        _ = try? await store.modify(ticket.id) { $0.mark(state, note: note) }
    }

    private func startWatchdog(_ watchdog: Watchdog, entry id: String) throws {
        let log = (store.path(of: id) as NSString).deletingPathExtension + ".watchdog.log"
        try FileManager.default.createDirectory(
            atPath: (log as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let argv = Self.watchdogArgv(
            watchdog, stateDirectory: (store.root as NSString).deletingLastPathComponent, entry: id)
        _ = try Spawn.detached(argv, log: log).start()
    }

    /// The command line of the watchdog of entry `id`, as it is spawned: `gameday watchdog ...`.
    public static func watchdogArgv(
        _ watchdog: Watchdog, stateDirectory: String, entry id: String, runnerPid: Int32 = getpid()
    ) -> [String] {
        [watchdog.executable, "watchdog", "--state-dir", stateDirectory, "--entry", id]
            + RunnerLifeline(
                heartbeat: watchdog.heartbeat, timeout: watchdog.timeout, deadline: watchdog.deadline,
                runnerPid: runnerPid
            ).arguments
    }

    static func slug(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
    }
}
