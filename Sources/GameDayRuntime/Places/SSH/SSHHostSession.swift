import Foundation
import GameDayCore
import Synchronization

/// What the SSH fault drivers share for one run: connections to the hosts (multiplexed, closed at the
/// end), the hosts a fault chooses, each host's dead-man's switch and the heartbeats that hold it.
public final class SSHHostSession: Sendable {
    public let runId: String
    /// How long a host waits without heartbeats before it reverts by itself.
    public let switchTimeout: Duration
    public let concurrency: Int
    /// The multiplexing sockets' directory, made at the first connection (nil when it cannot be:
    /// every command then opens a connection of its own).
    private let control = Mutex<(made: Bool, directory: SSHControlDirectory?)>((false, nil))
    private let heartbeats = Mutex<[String: Task<Void, Never>]>([:])
    /// The hosts reached through multiplexed connections, to close them at the end.
    private let used = Mutex<[String: SSHExecutor]>([:])

    public init(runId: String, switchTimeout: Duration = .seconds(10), concurrency: Int = 16) {
        self.runId = runId
        self.switchTimeout = max(switchTimeout, .seconds(2))
        self.concurrency = max(1, concurrency)
    }

    deinit {
        heartbeats.withLock { tasks in tasks.values.forEach { $0.cancel() } }
        control.withLock { $0.directory?.remove() }
    }

    private var multiplexing: SSHOptions.Multiplexing? {
        control.withLock { control in
            if !control.made { control = (true, try? SSHControlDirectory.create()) }
            // Kept open between heartbeats, closed by `close()` (or by ssh after this long unused).
            return control.directory.map {
                SSHOptions.Multiplexing(directory: $0, persist: max(.seconds(15), switchTimeout))
            }
        }
    }

    /// An executor for `host`, over this run's shared connection to it.
    public func executor(_ host: HostTarget, _ ssh: SSHTarget) throws(FaultError) -> SSHExecutor {
        do {
            let executor = try SSHExecutor(host: host, ssh: ssh, multiplexing: multiplexing)
            used.withLock { $0[host.description] = executor }
            return executor
        } catch {
            throw FaultError("\(host): \(error.description)")
        }
    }

    /// The hosts the fault's `hosts:` chooses among `hosts` (the same ones for the same run id).
    public func chosen(_ fault: FaultSpec, among hosts: [HostTarget]) throws(FaultError) -> [HostTarget] {
        do {
            return try HostSelection(fault.hosts).choose(from: hosts, runID: runId, name: \.description)
        } catch {
            throw FaultError("fault \(fault.name), hosts: \(error.description) of \(fault.unit)/\(fault.service)")
        }
    }

    /// The switch of `fault` on `host`, under /tmp there; named after the host too, so hosts that
    /// share a /tmp (or a test's fleet on one machine) keep one switch each.
    public func deadMansSwitch(_ fault: FaultSpec, _ host: HostTarget) throws(FaultError) -> RemoteDeadMansSwitch {
        let place = String(
            host.description.unicodeScalars.map { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || ".-".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
        do {
            return try RemoteDeadMansSwitch(
                directory: "/tmp", id: "\(runId)-\(fault.name)-\(place)", timeout: switchTimeout)
        } catch {
            throw FaultError(error.description)
        }
    }

    /// Arms `fault`'s switch on the host with `revert`, runs `apply`, and disarms the switch again
    /// when `apply` throws (the fault is not in place there after all).
    public func armed<T>(
        _ fault: FaultSpec, on host: HostTarget, via executor: SSHExecutor, revert: [String],
        _ apply: () async throws -> T
    ) async throws -> T {
        let dms = try deadMansSwitch(fault, host)
        let armed = try await executor.run(try dms.armCommand(revert: revert), timeout: .seconds(20))
        guard armed.exitCode == 0 else { throw FaultError("cannot arm the dead-man's switch: \(armed.lastLine)") }
        do {
            return try await apply()
        } catch {
            _ = try? await executor.run(dms.disarmCommand, timeout: .seconds(20))
            throw error
        }
    }

    /// Touches the switches of `fault` on `hosts` every third of the timeout, until `stopHeartbeats` or
    /// `close` (a switch the revert disarmed ignores them).
    public func startHeartbeats(_ fault: FaultSpec, _ hosts: [HostTarget], _ ssh: SSHTarget) {
        let beat = switchTimeout / 3
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: beat)
                if Task.isCancelled { break }
                _ = await eachHost(hosts) { [self] host -> Bool in
                    guard let executor = try? executor(host, ssh), let dms = try? deadMansSwitch(fault, host) else {
                        return false
                    }
                    return (try? await executor.run(dms.heartbeatCommand, timeout: beat))?.exitCode == 0
                }
            }
        }
        heartbeats.withLock {
            $0[fault.name]?.cancel()
            $0[fault.name] = task
        }
    }

    public func stopHeartbeats(_ fault: FaultSpec) {
        heartbeats.withLock { $0.removeValue(forKey: fault.name)?.cancel() }
    }

    /// What a fault on many hosts comes to (`PartialInjection`); heartbeats start for the hosts hit.
    public func settle(
        _ fault: FaultSpec, _ outcomes: [Result<HostFault, FaultError>], failures: [String] = [], of total: Int,
        _ ssh: SSHTarget, hosts: [HostTarget], applied make: ([HostFault]) -> AppliedFault
    ) throws(FaultError) -> AppliedFault {
        let hit = Set(outcomes.compactMap { try? $0.get().host })
        startHeartbeats(fault, hosts.filter { hit.contains($0.description) }, ssh)
        return try PartialInjection.settle(
            fault, outcomes, failures: failures, of: total, places: "host(s)", applied: make)
    }

    /// One host's step of a fault, its errors named after the host.
    public static func onHost(_ host: HostTarget, _ body: () async throws -> HostFault) async -> Result<
        HostFault, FaultError
    > {
        do {
            return .success(try await body())
        } catch let error as FaultError {
            return .failure(FaultError("\(host): \(error.message)"))
        } catch let error as CommandError {
            return .failure(FaultError("\(host): \(error.message)"))
        } catch let error as NetworkFaultError {
            return .failure(FaultError("\(host): \(error.description)"))
        } catch {
            return .failure(FaultError("\(host): \(error)"))
        }
    }

    /// Runs `body` for every host, at most `concurrency` at once; results in the hosts' order.
    public func eachHost<T: Sendable>(
        _ hosts: [HostTarget], _ body: @escaping @Sendable (HostTarget) async -> T
    ) async -> [T] {
        await FanOut.map(hosts, concurrency: concurrency, body)
    }

    /// Ends the heartbeats and closes every connection opened.
    public func close() async {
        heartbeats.withLock { tasks in
            tasks.values.forEach { $0.cancel() }
            tasks.removeAll()
        }
        for executor in used.withLock({ Array($0.values) }) { _ = await executor.close() }
        used.withLock { $0.removeAll() }
        control.withLock { control in
            control.directory?.remove()
            control = (false, nil)
        }
    }
}
