/// Something done to one unit (and, for process faults, one of its services) and undone afterwards.
///
/// ```yaml
/// faults:
///   - name: product-down
///     kind: kill-process
///     unit: beijing
///     service: product
///     signal: KILL
/// ```
public struct FaultSpec: Sendable, Hashable {
    public var name: String
    public var unit: String
    /// The service hit; empty for network faults that name an interface instead.
    public var service: String
    public var action: FaultAction
    /// For a service on SSH hosts or in pods: which of them.
    public var hosts: HostShare = .all
    /// The drill's word for `hosts`: `hosts` (SSH hosts) or `pods`.
    public var shareKey: ShareKey = .hosts
    public var onPartial: PartialInjection = .abort
    public var location: SourceLocation?

    public init(name: String, unit: String, service: String, action: FaultAction, location: SourceLocation? = nil) {
        self.name = name
        self.unit = unit
        self.service = service
        self.action = action
        self.location = location
    }
}

/// Which of a service's SSH hosts (`hosts:`) or pods (`pods:`) a process fault hits.
public enum HostShare: Sendable, Hashable, CustomStringConvertible {
    case all
    /// Exactly this many.
    case count(Int)
    /// This share of them, rounded down but at least one.
    case percent(Double)

    public var description: String {
        switch self {
        case .all: "all hosts"
        case .count(let count): "\(count) host(s)"
        case .percent(let percent):
            "\(percent == percent.rounded() ? String(Int(percent)) : String(percent))% of the hosts"
        }
    }
}

/// The key a fault chose its share with: SSH `hosts:` or Kubernetes `pods:`.
public enum ShareKey: String, Sendable, Hashable {
    case hosts, pods
}

/// What a fault does when some of its hosts could not be hit (`on_partial:`).
public enum PartialInjection: String, Sendable, Hashable {
    /// Revert the hosts that were hit and stop the run: the drill described did not happen.
    case abort
    /// Go on with the hosts that were hit; the fault's effect says which were not.
    case `continue`
}
