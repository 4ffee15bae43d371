import GameDayCore

/// Which of a unit's hosts a fault hits: all of them, a number, or a share.
///
/// The choice is deterministic for a run id: the hosts are ordered by a stable hash of the run id
/// and the host's name (FNV-1a, the same on every machine and every run of the program), and the
/// first ones are taken. The same run hits the same hosts when it is retried or recovered, and
/// another run picks another subset.
public enum HostSelection: Sendable, Hashable, CustomStringConvertible {
    case all
    /// Exactly this many, 1 up to the number of hosts.
    case count(Int)
    /// This share, more than 0 and at most 100: `floor(hosts × percent / 100)`, but at least 1.
    ///
    /// Rounding down keeps the blast radius at or below what was asked; the floor of one host
    /// keeps a small percentage of a small unit from silently hitting nothing.
    case percent(Double)

    public var description: String {
        switch self {
        case .all: return "all hosts"
        case .count(let count): return "\(count) host\(count == 1 ? "" : "s")"
        case .percent(let percent):
            let text = percent == percent.rounded() && abs(percent) < 1e9 ? String(Int(percent)) : String(percent)
            return "\(text)% of hosts"
        }
    }

    /// A drill's `hosts:` or `pods:`.
    public init(_ share: HostShare) {
        switch share {
        case .all: self = .all
        case .count(let count): self = .count(count)
        case .percent(let percent): self = .percent(percent)
        }
    }

    /// How many of `total` hosts (or `noun`: pods) this selection takes.
    public func size(of total: Int, noun: String = "hosts") throws(SSHError) -> Int {
        switch self {
        case .all:
            return total
        case .count(let count):
            guard count >= 1, count <= total else {
                throw .invalidSelection("count \(count) must be between 1 and the \(total) \(noun) available")
            }
            return count
        case .percent(let percent):
            guard percent > 0, percent <= 100, percent.isFinite else {
                throw .invalidSelection("percent \(percent) must be more than 0 and at most 100")
            }
            guard total > 0 else { return 0 }
            return min(total, max(1, Int((Double(total) * percent / 100).rounded(.down))))
        }
    }

    /// The chosen hosts, in their original order; `name` gives each host's stable identity.
    public func choose<Host>(
        from hosts: [Host], runID: String, noun: String = "hosts", name: (Host) -> String
    ) throws(SSHError) -> [Host] {
        let size = try size(of: hosts.count, noun: noun)
        guard size < hosts.count else { return hosts }
        let ranked = hosts.indices.sorted { left, right in
            let (a, b) = (Self.rank(runID, name(hosts[left])), Self.rank(runID, name(hosts[right])))
            return a != b ? a < b : left < right
        }
        return ranked.prefix(size).sorted().map { hosts[$0] }
    }

    /// 64-bit FNV-1a of `runID`, a NUL, and `host`: Swift's `Hasher` is seeded per process, so not that.
    static func rank(_ runID: String, _ host: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(runID.utf8) + [0] + Array(host.utf8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
