import Foundation
import GameDayCore

/// What a run needs to leave a delayer behind: the program, and the lifeline the delayer watches
/// so that it ends itself with the run (the heartbeat, the drill's deadline, the runner's pid).
public struct DelayerLaunch: Sendable, Hashable {
    /// The `gameday` executable, run as `gameday delayer` (and `gameday measure-connect`).
    public var executable: String
    public var lifeline: RunnerLifeline
    /// Where each delayer's log and ready file go.
    public var directory: String
    /// Started by a shell on the executor's host (an SSH host) rather than spawned from this
    /// process: `executable`, `directory` and the lifeline's heartbeat are paths there.
    public var remote: Bool

    public init(executable: String, lifeline: RunnerLifeline, directory: String, remote: Bool = false) {
        self.executable = executable
        self.lifeline = lifeline
        self.directory = directory
        self.remote = remote
    }

    /// The launch of a delayer on an SSH host, whose lifeline is the host's dead-man's switch: its
    /// log and ready file go beside the switch's heartbeat.
    public static func onRemoteHost(
        executable: String, switchHeartbeat: String, timeout: Duration, deadline: Double
    ) -> DelayerLaunch {
        DelayerLaunch(
            executable: executable,
            lifeline: .onRemoteHost(switchHeartbeat: switchHeartbeat, timeout: timeout, deadline: deadline),
            directory: (switchHeartbeat as NSString).deletingLastPathComponent, remote: true)
    }
}

/// Starts a `gameday delayer` detached, in the unit's network namespace when it has one (NFQUEUE
/// queues belong to a namespace), and waits until it has bound its queue.
public struct DelayerProcess: Sendable {
    public let launch: DelayerLaunch
    public var readyTimeout: Duration = .seconds(10)

    public init(launch: DelayerLaunch) { self.launch = launch }

    /// The fragment of its command line by which the delayer of `scope` is found again
    /// (by the revert, a watchdog or `gameday recover`, which have no pid to go on).
    public static func tag(_ scope: FirewallScope) -> String { "\(scope.nftTable)/delayer" }

    public static func locator(_ scope: FirewallScope) -> ProcessLocator { .commandLine("--tag \(tag(scope)) ") }

    /// The exact command line, for plans and for the start.
    public func argv(_ delay: QueuedDelay, scope: FirewallScope, namespace: NamespaceName?, ready: String) -> [String] {
        let own =
            [launch.executable, "delayer", "--tag", Self.tag(scope)] + delay.delayerArguments
            + launch.lifeline.arguments + ["--ready", ready]
        guard let namespace else { return own }
        return [Self.ipProgram] + Array(NetnsExecutor.wrap(own, in: namespace).dropFirst())
    }

    /// Its ready file and its log: under the run's directory here; beside the switch's heartbeat on
    /// an SSH host, named after it (hosts that share a /tmp keep theirs apart).
    public func files(_ scope: FirewallScope) -> (ready: String, log: String) {
        let base =
            launch.remote
            ? (launch.lifeline.heartbeat as NSString).deletingPathExtension : "\(launch.directory)/\(scope.nftTable)"
        return (base + ".delayer-ready", base + ".delayer.log")
    }

    /// Starts it and waits for its ready file; returns its pid. Throws with the delayer's own
    /// words when it exits or stays silent instead.
    public func start(_ delay: QueuedDelay, scope: FirewallScope, namespace: NamespaceName?) async throws(DelayerError)
        -> Int32
    {
        let (ready, log) = files(scope)
        unlink(ready)
        do {
            try FileManager.default.createDirectory(atPath: launch.directory, withIntermediateDirectories: true)
        } catch {
            throw .notReady("cannot write under \(launch.directory): \(FileProblem.words(error))")
        }
        let process: SpawnedProcess
        do {
            process = try Spawn.detached(argv(delay, scope: scope, namespace: namespace, ready: ready), log: log)
                .start()
        } catch {
            throw .notReady("\(error.localizedDescription)")
        }
        let table = ProcessTable()
        let deadline = ContinuousClock.now + readyTimeout
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: ready) {
                unlink(ready)  // said once; its log stays beside the run's heartbeat
                return process.pid
            }
            if !table.isAlive(process.pid) {
                throw .notReady(Self.lastLine(of: log) ?? "it exited without a word (log \(log))")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        kill(process.pid, SIGTERM)
        throw .notReady("it did not bind its queue within \(DurationText.format(readyTimeout)) (log \(log))")
    }

    static func lastLine(of path: String) -> String? {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isNewline).last.map(String.init)
    }

    /// `ip`, by absolute path (a detached start takes no PATH search).
    static var ipProgram: String {
        ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
            ?? "/usr/sbin/ip"
    }
}
