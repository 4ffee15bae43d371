import Foundation

/// What one host did with a fan-out's plan.
public struct HostResult: Sendable, Hashable {
    /// The executor's name: `ssh:root@10.0.0.5:22`.
    public var host: String
    public var started: Date
    public var ended: Date
    /// The exit code of the step that ended the plan (the last one, or the first that failed);
    /// `nil` when no command ran to an end (ssh failed, a timeout).
    public var exitCode: Int32?
    /// The last few lines of that step's output, for the archive.
    public var stdoutTail: String
    public var stderrTail: String
    /// Why the host failed: ssh's error, a timeout, a non-zero exit; `nil` when it succeeded.
    public var error: String?

    public var succeeded: Bool { error == nil }
    public var duration: Duration { .milliseconds(Int64((ended.timeIntervalSince(started) * 1000).rounded())) }

    public init(
        host: String, started: Date, ended: Date, exitCode: Int32?, stdoutTail: String = "", stderrTail: String = "",
        error: String? = nil
    ) {
        self.host = host
        self.started = started
        self.ended = ended
        self.exitCode = exitCode
        self.stdoutTail = stdoutTail
        self.stderrTail = stderrTail
        self.error = error
    }
}

/// How a fan-out went as a whole.
public enum FanOutOutcome: String, Sendable, Hashable, Codable {
    /// Every chosen host succeeded.
    case complete
    /// Some succeeded, some failed: the fault is in effect on part of the unit only.
    case partial
    /// No host succeeded (or no host was chosen).
    case failed
}

/// What a drill does when an injection is partial.
public enum PartialPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Stop the drill and revert the hosts that did apply: a partial fault proves nothing.
    case abort
    /// Go on with the hosts that applied, and say so in the results.
    case `continue`
}

/// The per-host results of one fan-out, and what they add up to.
public struct FanOutResult: Sendable, Hashable {
    /// One result per chosen host, in the order the hosts were given.
    public var hosts: [HostResult]

    public init(hosts: [HostResult]) { self.hosts = hosts }

    public var outcome: FanOutOutcome {
        let succeeded = hosts.filter(\.succeeded).count
        if succeeded == 0 { return .failed }
        return succeeded == hosts.count ? .complete : .partial
    }

    public var failures: [HostResult] { hosts.filter { !$0.succeeded } }

    /// Whether the caller must stop under `policy`: always when nothing applied, on a partial
    /// outcome only when the policy says abort.
    public func shouldStop(under policy: PartialPolicy) -> Bool {
        switch outcome {
        case .complete: return false
        case .failed: return true
        case .partial: return policy == .abort
        }
    }

    /// `partial: 8 of 10 hosts; failed: ssh:root@10.0.0.5:22 (host unreachable...), ...`
    public var summary: String {
        let succeeded = hosts.count - failures.count
        var text = "\(outcome.rawValue): \(succeeded) of \(hosts.count) host\(hosts.count == 1 ? "" : "s")"
        if !failures.isEmpty {
            text += "; failed: " + failures.map { "\($0.host) (\($0.error ?? ""))" }.joined(separator: ", ")
        }
        return text
    }
}
