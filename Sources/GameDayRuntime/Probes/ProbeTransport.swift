import GameDayCore

/// The HTTP client a `ProbeLoop` drives from its one thread: transfers set up once per user and
/// started again for each probe, a wait that returns when answers, the slot timer or a wake-up come,
/// and the finished transfers with what they got. Two implement it: libcurl's socket interface
/// (`CurlProbeTransport`: any URL curl takes) and the engine's own HTTP/1.1 client
/// (`RawProbeTransport`: plain HTTP to numeric addresses, at 20–25 % less CPU per probe).
protocol ProbeTransport: AnyObject {
    associatedtype Transfer: ProbeCarrying

    /// A transfer set up for `request`, the request of the user at `user`.
    func transfer(user: Int, request: HTTPRequest) throws(HTTPTransportError) -> Transfer
    /// Starts `transfer` (not in flight); the error when it could not be started, and then it is not.
    func start(_ transfer: Transfer) -> HTTPTransportError?
    /// Sends what the transfers just started have not sent yet.
    func startAdded()
    /// The next finished transfer and what it got; nil when there is none.
    func nextFinished() -> (transfer: Transfer, outcome: Result<HTTPResponse, HTTPTransportError>)?
    /// Waits until an answer, a timeout or a wake-up, or `deadline` (on the run clock, now `now`) at
    /// the latest; without a deadline, on answers and the wake-up alone. Returns whether it was woken.
    func wait(until deadline: Duration?, now: Duration) -> Bool
    /// Frees what the transport holds; every transfer must have finished and been dropped.
    func close()
}

/// A transfer that carries one probe at a time.
protocol ProbeCarrying: AnyObject {
    var probe: ProbeInFlight { get set }
}

/// The probe a transfer carries: whose, which, when it was sent and for which slot.
struct ProbeInFlight {
    /// The user's index in the engine.
    var user: Int
    var sequence = 0
    var sentAt = Duration.zero
    var lag = Duration.zero
    /// The generation of the focus the probe was sent for; nil for a base slot.
    var focus: Int?

    init(user: Int) { self.user = user }
}

/// Arms a one-shot timer for the engine's next slot, as both transports do: only when no timer is
/// armed for a time at or before `deadline` that is still to come (a wake-up with nothing to do is
/// rarer than answers in between, each of which would otherwise arm it again).
struct SlotTimer {
    /// When the timer is armed to expire, nil when it is not armed.
    private var armed: Duration?

    /// Whether the wait must not block (`deadline` has passed), arming the timer through `arm` (with
    /// nanoseconds from now) when it must be.
    mutating func prepare(until deadline: Duration?, now: Duration, arm: (Int64) -> Void) -> Bool {
        guard let deadline else { return false }
        if deadline <= now { return true }
        if armed.map({ $0 <= now || $0 > deadline }) ?? true {
            // Arming fails only for a bad descriptor or value; the wait then returns on the
            // transport's events and the slot goes out late, as its lag says.
            arm(max(1, (deadline - now).wholeNanoseconds))
            armed = deadline
        }
        return false
    }

    /// The timer expired.
    mutating func expired() { armed = nil }
}
