import GameDayCore

/// A latency fault on the nfqueue backend: the packets a `queue num N bypass` rule sends to the
/// delayer, and how the delayer holds them.
public struct QueuedDelay: Sendable, Hashable, Codable {
    /// The rule's match, with `action: queue` and the queue's number.
    public var block: PortBlock
    public var delay: Duration
    public var jitter: Duration
    public var lossPercent: Double
    public var reorder: Bool

    public init(
        block: PortBlock, delay: Duration = .zero, jitter: Duration = .zero, lossPercent: Double = 0,
        reorder: Bool = false
    ) {
        self.block = block
        self.delay = delay
        self.jitter = jitter
        self.lossPercent = lossPercent
        self.reorder = reorder
    }

    public var queue: UInt16 { block.queue ?? 0 }

    public var schedule: DelaySchedule {
        DelaySchedule(delay: delay, jitter: jitter, lossPercent: lossPercent, keepOrder: !reorder)
    }

    /// `delay 600ms ± 50ms, loss 1%`, for messages and plans.
    public var settings: String { schedule.settings }

    /// The delayer's options besides its lifeline.
    public var delayerArguments: [String] {
        [
            "--queue", "\(queue)", "--delay", DurationText.format(delay), "--jitter", DurationText.format(jitter),
            "--loss", String(format: "%g", lossPercent),
        ] + (reorder ? ["--reorder"] : [])
    }

    /// The first queue number a run tries: spread over 20000...59999 by the run id and the fault's
    /// slot, away from 0 (where IDS and other NFQUEUE users usually sit).
    public static func firstQueue(runID: String, slot: Int) -> UInt16 {
        UInt16(20_000 + (Int(KeyHash.crc32.value(of: runID)) % 400) * 100 + slot % 100)
    }
}
