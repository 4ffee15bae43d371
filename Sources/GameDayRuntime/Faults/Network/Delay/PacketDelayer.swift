import CCurl
import Glibc
import HeapModule

/// Holds every packet a `queue num N bypass` rule sends to its queue and lets each through
/// once `schedule` says (or drops it), until it is told to stop, the run it belongs to is over
/// (`lifeline`) or its own deadline passes. It then lets every held packet through at once.
///
/// Because the rule carries `bypass`, packets flow undelayed whenever no delayer is bound to the
/// queue: the delayer's death ends the fault by itself.
public final class PacketDelayer {
    /// What the delayer did, for its log and the bench.
    public struct Tally: Sendable, Hashable {
        public var delayed = 0
        public var dropped = 0
        /// Let through undelayed because more arrived in one read than the batch holds.
        public var overflowed: UInt64 = 0
        /// How late packets were released against the schedule, in microseconds: total and worst.
        public var latenessTotalMicroseconds: UInt64 = 0
        public var latenessMaxMicroseconds: UInt64 = 0

        public var latenessMeanMicroseconds: Double {
            delayed == 0 ? 0 : Double(latenessTotalMicroseconds) / Double(delayed)
        }
    }

    private struct Held: Comparable {
        var release: UInt64
        var sequence: UInt64
        var id: UInt32

        static func < (left: Held, right: Held) -> Bool {
            (left.release, left.sequence) < (right.release, right.sequence)
        }
    }

    private let queue: NetfilterQueue
    private var schedule: DelaySchedule
    private let lifeline: RunnerLifeline?
    private var held = Heap<Held>()
    private var sequence: UInt64 = 0
    private var random = SystemRandomNumberGenerator()
    public private(set) var tally = Tally()

    /// Fires at the next release (CLOCK_MONOTONIC, absolute).
    private let timer: Int32

    /// Binds queue `number` (throws when it cannot).
    public init(queue number: UInt16, schedule: DelaySchedule, lifeline: RunnerLifeline?) throws(DelayerError) {
        queue = try NetfilterQueue(number: number)
        // The probe engine's timerfd (CCurl's shim: Swift's Glibc module leaves sys/timerfd.h out).
        timer = ccurl_timer_create()
        guard timer >= 0 else { throw .cannotBind(number, "timerfd_create: \(String(cString: strerror(errno)))") }
        self.schedule = schedule
        self.lifeline = lifeline
    }

    deinit { close(timer) }

    public var queueNumber: UInt16 { queue.number }

    /// Runs until `stop` says why it should (looked at every 50 ms at most), the lifeline ends or
    /// `deadline` (monotonic nanoseconds) passes; returns why it stopped. Blocks the calling thread.
    public func run(until deadline: UInt64? = nil, stop: () -> String? = { nil }) -> String {
        var lastLifelineLook: UInt64 = 0
        var reason: String?
        while reason == nil {
            let now = Self.now()
            releaseDue(now)
            if let asked = stop() {
                reason = asked
            } else if let deadline, now >= deadline {
                reason = "its own time ran out"
            } else if now &- lastLifelineLook >= 100_000_000 {
                lastLifelineLook = now
                reason = lifeline?.ended()
            }
            if reason != nil { break }
            wait(until: held.min?.release, now: now)
            let arrived = Self.now()
            queue.drain { id in admit(id, at: arrived) }
        }
        releaseAll()
        tally.overflowed = queue.overflowed
        return reason ?? "stopped"
    }

    private func admit(_ id: UInt32, at arrival: UInt64) {
        switch schedule.admit(arrivedAt: arrival, using: &random) {
        case .drop:
            queue.drop(id)
            tally.dropped += 1
        case .release(let release):
            sequence += 1
            held.insert(Held(release: release, sequence: sequence, id: id))
        }
    }

    private func releaseDue(_ now: UInt64) {
        while let first = held.min, first.release <= now {
            _ = held.removeMin()
            queue.accept(first.id)
            let late = (now - first.release) / 1_000
            tally.delayed += 1
            tally.latenessTotalMicroseconds += late
            tally.latenessMaxMicroseconds = max(tally.latenessMaxMicroseconds, late)
        }
    }

    /// Lets every held packet through now, and whatever is still queued: the fault is over.
    private func releaseAll() {
        while let first = held.popMin() { queue.accept(first.id) }
        queue.drain { id in queue.accept(id) }
    }

    /// Waits for a packet or the next release, at most 50 ms (the stop flag and the lifeline are
    /// looked at between waits). The release is a timerfd armed for the time left, polled
    /// beside the queue: woken to the microsecond, and never deaf to packets meanwhile (`poll`'s
    /// own timeout counts whole milliseconds).
    private func wait(until release: UInt64?, now: UInt64) {
        if let release {
            guard release > now else { return }
            _ = ccurl_timer_arm(timer, Int64(release - now))
        }
        var descriptors = [
            pollfd(fd: queue.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: timer, events: Int16(POLLIN), revents: 0),
        ]
        _ = poll(&descriptors, 2, 50)
        if descriptors[1].revents != 0 {
            var expirations: UInt64 = 0
            _ = read(timer, &expirations, MemoryLayout<UInt64>.size)
        }
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
