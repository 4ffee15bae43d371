import Foundation
import GameDayCore

/// One run of a drill with the real runtime, everything `gameday run` does around the runner:
/// takes the target's lock, refuses to start over what an earlier run left, proves every output
/// place writable, keeps the heartbeat, the ledger and its watchdogs, runs the drill, and archives
/// it. The command only prints; `plan` builds its fault drivers with `DrillSession.plannedFaults`,
/// so a plan and a run can never wire them differently.
///
/// Cancelling the task that awaits `run` interrupts the drill (its faults are still reverted), as
/// does an interrupt noted in `interruption`.
public struct DrillSession: Sendable {
    /// Where a session writes and how long its dead-man's switches wait.
    public struct Settings: Sendable {
        /// The archive's root: `<output>/<drill>/<UTC time>-<run id>/`.
        public var output: String
        public var stateDirectory: String
        public var watchdogTimeout: Duration
        /// Archive every sample as `samples.ndjson`.
        public var rawSamples = false
        /// Also write the JUnit file here (it is always in the archive).
        public var junitPath: String?
        /// Write `report.html` into the archive.
        public var html = true
        /// Also write the run's metrics here, for node_exporter's textfile collector (`*.prom`).
        public var metricsFile: String?
        /// Also push the run's metrics to this Pushgateway.
        public var pushgateway: String?
        /// Webhooks told of the run besides the target's `notify:` (`--notify URL`).
        public var notify: [Webhook] = []
        /// Who decides the cut-over of a drill whose trigger is `prompt` or `external` (the
        /// terminal, a file, a port); closed once the run is over.
        public var decisions: (any CutoverDecisionSource)?
        /// The `gameday` executable the watchdogs run as (`gameday watchdog`).
        public var executable: String
        /// The variables the files were read with, as `result.json` records them (secrets `***`).
        public var variables: [String: String] = [:]

        public init(
            output: String, stateDirectory: String, watchdogTimeout: Duration = .seconds(10),
            executable: String = ProcessTable.currentExecutable()
        ) {
            self.output = output
            self.stateDirectory = stateDirectory
            self.watchdogTimeout = watchdogTimeout
            self.executable = executable
        }
    }

    /// What the session reaches the outside world through; the real ones by default, fakes in tests.
    public struct Parts: Sendable {
        public var transport: any HTTPTransport
        public var probes: any ProbeLauncher
        /// The fault drivers of a run, given its id and its SSH hosts' session.
        public var faults: @Sendable (_ runId: String, _ hosts: SSHHostSession) -> any FaultDriver
        /// The environment's variables (`${ENV}` secrets, the token's variable).
        public var environment: @Sendable (String) -> String?

        public init(
            transport: any HTTPTransport, probes: any ProbeLauncher,
            faults: @escaping @Sendable (String, SSHHostSession) -> any FaultDriver,
            environment: @escaping @Sendable (String) -> String? = { ProcessInfo.processInfo.environment[$0] }
        ) {
            self.transport = transport
            self.probes = probes
            self.faults = faults
            self.environment = environment
        }
    }

    /// How a session ended.
    public enum Ending: Sendable {
        /// It did not start: nothing was changed. `lines` say why and what to do.
        case refused(lines: [String])
        /// An interrupt came before it started: nothing was changed.
        case interruptedBeforeStart
        /// The drill ran: its result (archived in `archive` when that could be written) and the
        /// ledger entries of this run still not undone (a revert that failed, a withheld cut-back).
        case ran(RunResult, archive: String?, notUndone: Int)

        /// The documented exit code.
        public var exitCode: Int32 {
            switch self {
            case .refused: RunOutcome.error.exitCode
            case .interruptedBeforeStart: RunOutcome.aborted.exitCode
            case .ran(let result, _, _): result.exitCode
            }
        }
    }

    public let drill: Drill
    public let target: Target
    public let settings: Settings
    public let parts: Parts

    public init(drill: Drill, target: Target, settings: Settings, parts: Parts? = nil) {
        self.drill = drill
        self.target = target
        self.settings = settings
        self.parts = parts ?? Self.realParts(drill: drill, settings: settings)
    }

    /// The fault drivers of a run of `drill`: process, network and proxy faults on this host,
    /// process and network faults on SSH hosts, faults in Kubernetes pods.
    /// `delayer`: how the latency fault's nfqueue backend leaves its delayer (nil for a plan).
    public static func faults(
        runId: String, drill: Drill, watchdogTimeout: Duration, hosts: SSHHostSession, delayer: DelayerLaunch? = nil
    ) -> CompositeFaultDriver {
        CompositeFaultDriver(
            process: ProcessFaultDriver(), network: NetworkFaultDriver(runId: runId, delayer: delayer),
            proxy: ProxyFaultDriver(runId: runId), ssh: SSHProcessFaultDriver(session: hosts),
            sshNetwork: SSHNetworkFaultDriver(session: hosts, deadline: delayer?.lifeline.deadline),
            // A paused process in a pod resumes by itself once the drill cannot be running any more.
            kubernetes: KubernetesFaultDriver(runId: runId, switchLifetime: drill.maximumDuration + watchdogTimeout))
    }

    /// The fault drivers `plan` shows `drill` with: a run's, for the run id `plan` (no delayer is
    /// started), so a plan and a run never wire them differently; `watchdogTimeout` is the run's
    /// (`--watchdog-timeout`), which sets how long a pod's dead-man's switch lives.
    public static func plannedFaults(drill: Drill, watchdogTimeout: Duration) -> CompositeFaultDriver {
        faults(runId: "plan", drill: drill, watchdogTimeout: watchdogTimeout, hosts: SSHHostSession(runId: "plan"))
    }

    static func realParts(drill: Drill, settings: Settings) -> Parts {
        Parts(
            transport: CurlHTTPClient(), probes: CurlMultiProbeLauncher(),
            faults: { runId, hosts in
                // Called as the run starts, beside its heartbeat and the ledger's deadline.
                let delayer = DelayerLaunch(
                    executable: settings.executable,
                    lifeline: RunnerLifeline(
                        heartbeat: heartbeatPath(stateDirectory: settings.stateDirectory, runId: runId),
                        timeout: settings.watchdogTimeout,
                        deadline: Date().timeIntervalSince1970 + drill.maximumDuration.milliseconds / 1000,
                        runnerPid: getpid()),
                    directory: "\(settings.stateDirectory)/runs")
                return faults(
                    runId: runId, drill: drill, watchdogTimeout: settings.watchdogTimeout, hosts: hosts,
                    delayer: delayer)
            }
        )
    }

    /// The run's heartbeat file, which its watchdogs and delayers watch.
    static func heartbeatPath(stateDirectory: String, runId: String) -> String {
        "\(stateDirectory)/runs/\(runId).heartbeat"
    }
}
