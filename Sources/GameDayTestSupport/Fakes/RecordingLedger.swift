import GameDayCore
import GameDayRuntime
import Synchronization

/// A ledger that writes what it is told on a `CallLog`, which a fault driver may share, so a test
/// can see the order of the two (the ledger first, then the fault).
public final class RecordingLedger: FaultLedger {
    public let log: CallLog
    /// Refuse every intent, as a ledger on a full or read-only disk would.
    private let refusing: Bool
    /// What it reverts with.
    private let memory: MemoryLedger

    public init(log: CallLog = CallLog(), refusing: Bool = false, transport: any HTTPTransport = CurlHTTPClient()) {
        self.log = log
        self.refusing = refusing
        self.memory = MemoryLedger(transport: transport)
    }

    /// Why a refusing ledger recorded nothing.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String { "the ledger's disk is full" }
    }

    public func intend(_ fault: any PreparedFault) async throws -> LedgerTicket {
        log.append("ledger \(refusing ? "refused" : "intend") \(fault.spec.name)")
        if refusing { throw Refusal() }
        return try await memory.intend(fault)
    }

    public func intendCutover(drill: String, target: String, unit: String) async throws -> LedgerTicket {
        log.append("ledger \(refusing ? "refused" : "intend") cutover")
        if refusing { throw Refusal() }
        return try await memory.intendCutover(drill: drill, target: target, unit: unit)
    }

    public func applied(_ ticket: LedgerTicket) async { log.append("ledger applied \(ticket.id)") }
    public func narrow(_ ticket: LedgerTicket, to places: [String]) async {
        log.append("ledger narrowed \(ticket.id) to \(places.joined(separator: ", "))")
    }
    public func reverted(_ ticket: LedgerTicket) async {
        log.append("ledger reverted \(ticket.id)")
        await memory.reverted(ticket)
    }
    public func withhold(_ ticket: LedgerTicket, reason: String) async { log.append("ledger withheld \(ticket.id)") }

    public func revert(_ ticket: LedgerTicket) async throws -> String {
        log.append("ledger revert \(ticket.id)")
        return try await memory.revert(ticket)
    }
}

/// Calls made from any task, in the order they were made.
public final class CallLog: Sendable {
    private let calls = Mutex<[String]>([])

    public init() {}

    public func append(_ call: String) { calls.withLock { $0.append(call) } }

    public var entries: [String] { calls.withLock { $0 } }
}
