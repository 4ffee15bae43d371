import Foundation

/// One line of `D/services.jsonl`: a change in a lab server's state, logged by its supervisor the
/// moment `waitid` reported it.
public struct ServiceEvent: Sendable, Hashable, Decodable {
    /// What happened to the server.
    public enum Kind: String, Sendable, Hashable, Decodable {
        case started, stopped, continued, exited
    }

    /// `beijing-product`, `gateway`...
    public var service: String
    /// The server's pid (never its supervisor's).
    public var pid: Int32
    public var event: Kind
    /// The signal that caused it, as `kill -l` names it (`KILL`, `STOP`, `CONT`); nil for a start
    /// and a normal exit.
    public var signal: String?
    /// The exit status of a normal exit.
    public var status: Int32?
    /// `CLOCK_REALTIME` when `waitid` returned, in Unix milliseconds to the microsecond.
    public var unixMilliseconds: Double
    /// The same instant in RFC 3339 UTC with milliseconds.
    public var at: String

    enum CodingKeys: String, CodingKey {
        case service, pid, event, signal, status, at
        case unixMilliseconds = "unix_ms"
    }
}
