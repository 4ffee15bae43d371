import GameDayCore
import Synchronization

/// A ledger that writes what it is told on a `CallLog`, which a fault driver may share, so a test
/// can see the order of the two (the ledger first, then the fault).
public final class RecordingLedger: FaultLedger {
    public let log: CallLog
    /// Refuse every intent, as a ledger on a full or read-only disk would.
    private let refusing: Bool

    public init(log: CallLog = CallLog(), refusing: Bool = false) {
        self.log = log
        self.refusing = refusing
    }

    /// Why a refusing ledger recorded nothing.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String { "the ledger's disk is full" }
    }

    public func intend(_ what: String, unit: String, recipe: RevertRecipe) async throws -> LedgerTicket {
        log.append("ledger \(refusing ? "refused" : "intend") \(what)")
        if refusing { throw Refusal() }
        return LedgerTicket(id: what)
    }

    public func applied(_ ticket: LedgerTicket) async { log.append("ledger applied \(ticket.id)") }
    public func reverted(_ ticket: LedgerTicket) async { log.append("ledger reverted \(ticket.id)") }
    public func withhold(_ ticket: LedgerTicket, reason: String) async { log.append("ledger withheld \(ticket.id)") }

    public func undo(_ ticket: LedgerTicket) async throws -> String {
        log.append("ledger undo \(ticket.id)")
        return "undone"
    }
}

/// Calls made from any task, in the order they were made.
public final class CallLog: Sendable {
    private let calls = Mutex<[String]>([])

    public init() {}

    public func append(_ call: String) { calls.withLock { $0.append(call) } }

    public var entries: [String] { calls.withLock { $0 } }
}
