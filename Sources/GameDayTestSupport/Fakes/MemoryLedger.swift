import GameDayCore
import GameDayRuntime
import Synchronization

/// A fault a test fake can undo in memory, as a ledger entry's recipe would on disk.
public protocol InMemoryRevertible: PreparedFault {
    func revert() async throws(FaultError) -> String
}

/// A ledger in memory, for unit tests of the runner's logic: it keeps the prepared faults it is
/// told of and reverts each once when asked: a runtime fault by its recipe (over `transport`, a
/// fake's), a test's own fault in memory.
public final class MemoryLedger: FaultLedger {
    private struct State {
        var faults: [String: any PreparedFault] = [:]
        var done: Set<String> = []
    }
    private let state = Mutex(State())
    private let recipes: RecipeRunner

    public init(transport: any HTTPTransport = CurlHTTPClient()) { recipes = RecipeRunner(transport: transport) }

    public func intend(_ fault: any PreparedFault) async throws -> LedgerTicket {
        // A drill's fault names are unique: the ticket is the name, as a test reads it.
        state.withLock { $0.faults[fault.spec.name] = fault }
        return LedgerTicket(id: fault.spec.name)
    }

    public func intendCutover(drill: String, target: String, unit: String) async throws -> LedgerTicket {
        LedgerTicket(id: "cutover")
    }

    public func applied(_ ticket: LedgerTicket) async {}
    public func narrow(_ ticket: LedgerTicket, to places: [String]) async {}
    public func reverted(_ ticket: LedgerTicket) async { _ = state.withLock { $0.done.insert(ticket.id) } }
    public func withhold(_ ticket: LedgerTicket, reason: String) async {}

    public func revert(_ ticket: LedgerTicket) async throws -> String {
        let fault = state.withLock { state -> (any PreparedFault)? in
            state.done.insert(ticket.id).inserted ? state.faults[ticket.id] : nil
        }
        guard let fault else { return "already reverted" }
        if let ready = fault as? ReadyFault { return try await recipes.run(ready.recipe) }
        guard let revertible = fault as? any InMemoryRevertible else { return "nothing to revert" }
        return try await revertible.revert()
    }
}
