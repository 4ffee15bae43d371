import GameDayCore
import HeapModule

/// The fine slots of the focused users (`RunningProbes.focus(_:)`), in the order they fall due.
///
/// Each focus spreads its users evenly over its interval from the moment it starts, as
/// `ProbeSchedule` spreads every user over the base interval. A slot names the focus it belongs to
/// (its generation): the engine drops the slots of a focus that has ended or been replaced.
struct FocusSchedule {
    struct Slot: Comparable {
        var due: Duration
        var user: Int
        var generation: Int

        static func < (lhs: Slot, rhs: Slot) -> Bool {
            (lhs.due, lhs.generation, lhs.user) < (rhs.due, rhs.generation, rhs.user)
        }
    }

    private var slots = Heap<Slot>()
    /// The generation of the latest focus; 0 before the first.
    private(set) var generation = 0

    /// Starts a focus of `users` (indices) at `now`, and returns its generation.
    mutating func start(users: [Int], interval: Duration, now: Duration) -> Int {
        generation += 1
        for (position, user) in users.enumerated() {
            slots.insert(Slot(due: now + interval * position / users.count, user: user, generation: generation))
        }
        return generation
    }

    /// The slot that falls due first.
    var upcoming: Slot? { slots.min }

    /// Takes the first slot if it is due by `now`.
    mutating func popDue(now: Duration) -> Slot? {
        guard let first = slots.min, first.due <= now else { return nil }
        return slots.removeMin()
    }

    /// Schedules the slot after `slot`, one `interval` later; after a stall that left it more than
    /// an interval behind `now`, the latest slot missed instead (as `ProbeSchedule.skipStall`).
    mutating func schedule(after slot: Slot, interval: Duration, now: Duration) {
        var next = slot
        next.due += interval
        if next.due < now - interval {
            next.due += interval * Int(((now - interval - next.due) / interval).rounded(.up))
        }
        slots.insert(next)
    }
}
