import Foundation

/// Everything `gameday-bench delay` measured: the rows of this machine and, when the VM ran, the
/// VM's rows (which come back from the guest as this same report, in JSON).
struct DelayBenchReport: Codable, Sendable {
    var rows: [DelayBenchRow] = []
    var vm: DelayBenchVM.Outcome?
}

/// One delayed run beside the reference run (no delay on the path) taken just before it at the
/// same rate, in the same place and invocation.
struct DelayBenchRow: Codable, Sendable, Hashable {
    enum Kind: String, Codable, Sendable {
        /// The requested delay's shape: 50 ms, and 50 ms ± 10 ms.
        case accuracy
        /// How far off the delay is as the packet rate grows.
        case rate
    }

    var kind: Kind
    /// `host 6.18.44-…` or `VM 6.1.0-57-amd64`.
    var place: String
    /// `nfqueue (iptables)`, `nfqueue (nft)` or `netem`.
    var backend: String
    var delayMilliseconds: Int
    var jitterMilliseconds: Int
    /// With jitter: whether packets may overtake each other (the delayer's `--reorder`; netem does).
    var reorders: Bool
    var rate: Int
    var referenceSender: DelayBenchSender.Report
    var reference: DelayBenchReceiver.Summary
    var sender: DelayBenchSender.Report
    var measured: DelayBenchReceiver.Summary
    var tally: DelayBenchDelayer.Tally?
    /// The delayer's CPU from the first packet to the last (nil for netem, which works in the kernel).
    var cpu: DelayBenchDelayer.CPU?

    var requested: Double { Double(delayMilliseconds) }

    /// The delay the backend added, in ms: the one-way latency minus the path's own (the
    /// reference's median).
    func added(_ latency: Int64) -> Double { Double(latency - reference.p50) / 1e6 }

    /// Datagrams sent that never arrived.
    var lost: Int { max(0, sender.sent - measured.received) }

    var referenceLost: Int { max(0, referenceSender.sent - reference.received) }

    /// What the step asked for, as a reader would write it.
    var setting: String {
        guard jitterMilliseconds > 0 else { return "\(delayMilliseconds) ms" }
        return "\(delayMilliseconds) ms ± \(jitterMilliseconds) ms, " + (reorders ? "reordering" : "order kept")
    }

    /// The delayer's CPU per 1,000 packets it held, in ms: (ticks, scheduler's nanoseconds).
    var cpuPerThousand: (ticks: Double, scheduled: Double)? {
        guard let cpu else { return nil }
        let packets = Double(tally?.delayed ?? sender.sent)
        guard packets > 0 else { return nil }
        return (cpu.ticksMilliseconds * 1_000 / packets, cpu.scheduledMilliseconds * 1_000 / packets)
    }
}
