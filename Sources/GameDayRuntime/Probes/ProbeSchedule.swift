import GameDayCore

/// The open-loop schedule of every user's probes, as one stream of slots in the order they fall due.
///
/// Users are spread evenly over the first interval: user k (of n, in the order given) is due at
/// `start + k × interval / n + i × interval` for its i-th slot, so 1,000 users at 10 Hz make one
/// slot every 100 µs instead of 1,000 slots at once every 100 ms. Slot s of the stream is user
/// `s mod n`, round `s / n`, due at `start + s × interval / n` (rounded down to the attosecond).
struct ProbeSchedule {
    let start: Duration
    let interval: Duration
    let users: Int
    /// The next slot to fall due.
    private(set) var next = 0
    /// The user of the next slot, and the start of its round: kept as the stream advances, so that
    /// a slot costs an addition, not the multiplication and division of `due(_:)`.
    private var user = 0
    private var round: Duration
    /// Each user's offset into an interval, computed once.
    private let offsets: [Duration]

    init(start: Duration, interval: Duration, users: Int) {
        precondition(users > 0 && interval > .zero, "a schedule needs users and a positive interval")
        self.start = start
        self.interval = interval
        self.users = users
        round = start
        offsets = (0..<users).map { interval * $0 / users }
    }

    /// The user (an index into the users given) and due time of the next slot.
    var upcoming: (user: Int, due: Duration) { (user, round + offsets[user]) }

    /// Moves on to the following slot.
    mutating func advance() {
        next += 1
        user += 1
        if user == users {
            user = 0
            round += interval
        }
    }

    /// When the first slot from the next one on falls due whose user passes `sends`, looking at most
    /// one round ahead; nil when no user does.
    func firstDue(where sends: (_ user: Int) -> Bool) -> Duration? {
        var ahead = self
        for _ in 0..<users {
            if sends(ahead.user) { return ahead.upcoming.due }
            ahead.advance()
        }
        return nil
    }

    /// After a stall (a starved machine, a suspended laptop) that left the next slot more than one
    /// interval behind `now`, skips every slot due more than one interval ago: each user keeps at
    /// most its latest missed slot, sent late, rather than a burst of every slot it missed.
    /// Returns how many slots were skipped.
    mutating func skipStall(now: Duration) -> Int {
        let horizon = now - interval
        guard upcoming.due < horizon else { return 0 }
        let skipped = next
        // Whole rounds first, then the users of the last round one by one (fewer than `users` steps).
        let rounds = Int(((horizon - start) / interval).rounded(.down))
        move(to: max(next, rounds * users))
        while upcoming.due < horizon { advance() }
        return next - skipped
    }

    private mutating func move(to slot: Int) {
        next = slot
        user = slot % users
        round = start + interval * (slot / users)
    }
}
