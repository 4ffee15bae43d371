import Foundation
import GameDayCore

/// The latency fault's nfqueue backend: checks that the host can queue packets, starts the
/// delayer, puts the `queue num N bypass` rule in (nftables where the kernel has nft's queue
/// expression, else iptables' NFQUEUE target), proves the delay by timing TCP connects to the
/// port from the side the packets come from, and undoes all of it.
public struct QueueDelayer: Sendable {
    public let executor: any CommandExecutor
    public let launch: DelayerLaunch
    /// The unit's namespace, where the delayer must run: queues belong to a network namespace.
    public let namespace: NamespaceName?
    public let protected: [ProtectedEndpoint]
    public var commandTimeout: Duration = .seconds(20)

    public init(
        executor: any CommandExecutor, launch: DelayerLaunch, namespace: NamespaceName?,
        protected: [ProtectedEndpoint] = []
    ) {
        self.executor = executor
        self.launch = launch
        self.namespace = namespace
        self.protected = protected
    }

    /// What a plan shows: the delayer's command line, the rule's commands (nftables' form; the
    /// preflight may choose iptables), the revert and the proof.
    public static func plan(_ delay: QueuedDelay, scope: FirewallScope, launch: DelayerLaunch?) -> FirewallPlan {
        let rules = PortBlocker.plan(delay.block, scope: scope, backend: .nftables)
        var delayer = ["gameday", "delayer", "--tag", DelayerProcess.tag(scope)] + delay.delayerArguments
        var stop = ["kill", "-TERM", "<the delayer of \(DelayerProcess.tag(scope))>"]
        if let launch {
            let process = DelayerProcess(launch: launch)
            delayer = process.argv(delay, scope: scope, namespace: nil, ready: "READY")
            if launch.remote {
                // What the start script runs on the host, after the switch's heartbeat is there.
                delayer =
                    ["setsid"] + process.argv(delay, scope: scope, namespace: nil, ready: process.files(scope).ready)
                stop = ["kill", "-TERM", "<the delayer of \(DelayerProcess.tag(scope)) on the host, -KILL after 3s>"]
            }
        }
        return FirewallPlan(
            backend: .nftables, apply: [delayer] + rules.apply,
            revert: rules.revert + [stop],
            proof:
                "the delayer holds queue \(delay.queue) (\(delay.settings)); \(rules.proof); a TCP connect to the port takes the delay"
        )
    }

    /// Checks, changing nothing that carries traffic, that the host can queue packets to the
    /// delayer, and which firewall writes the rule; returns the fault with a queue nobody has
    /// bound (its own number, else the next free one), the firewall, and what was found.
    public func check(_ delay: QueuedDelay, scope: FirewallScope) async throws(NetworkFaultError) -> (
        delay: QueuedDelay, engine: FirewallEngine, found: String
    ) {
        try PortBlocker(executor: executor, protected: protected).refuseIfProtected(delay.block)
        if launch.remote { try await checkRemoteGameDay() }
        let queues = try await executor.attempt(["cat", Self.queueTable], timeout: commandTimeout)
        guard queues.exitCode == 0 else {
            throw .kernelLacks(
                "this kernel has no NFQUEUE (\(Self.queueTable): \(queues.lastLine)): it needs CONFIG_NETFILTER_NETLINK_QUEUE "
                    + "(module nfnetlink_queue; 'modprobe nfnetlink_queue'), or use backend: netem where sch_netem exists"
            )
        }
        var delay = delay
        let bound = Self.boundQueues(queues.stdout)
        guard let free = Self.freeQueue(from: delay.queue, bound: bound) else {
            throw .kernelLacks("every NFQUEUE queue from \(delay.queue) up is bound by another program")
        }
        let moved =
            free == delay.queue ? "" : " (queue \(delay.queue) is bound by another program: queue \(free) instead)"
        delay.block.queue = free
        let nft = try? await executor.attempt(
            ["nft", "-c", Self.nftCheckScript(delay.block, scope: scope)], timeout: commandTimeout)
        if nft?.exitCode == 0 {
            return (
                delay, .nftables, "will queue \(delay.block) to the delayer with nftables (\(executor.name))\(moved)"
            )
        }
        // No nft queue expression (nft_queue): iptables' NFQUEUE target, tried in a chain nothing jumps to.
        let chain = "GAMEDAY-\(scope.runID)-q\(scope.slot)"
        var trial = [["iptables", "-w", "-N", chain]]
        trial.append(IptablesRules.apply(delay.block, scope: scope)[1].map { $0 == scope.iptablesChain ? chain : $0 })
        var failure: CommandOutput?
        for command in trial {
            let output = try? await executor.attempt(command, timeout: commandTimeout)
            if output?.exitCode != 0 {
                failure = output
                break
            }
        }
        _ = try? await executor.attempt(["iptables", "-w", "-F", chain], timeout: commandTimeout)
        _ = try? await executor.attempt(["iptables", "-w", "-X", chain], timeout: commandTimeout)
        if let failure {
            throw .kernelLacks(
                "neither nftables' queue expression (\(nft?.lastLine ?? "nft did not run")) nor iptables' NFQUEUE target "
                    + "(\(failure.lastLine)) can queue packets here: the kernel needs nft_queue or xt_NFQUEUE")
        }
        return (
            delay, .iptables,
            "will queue \(delay.block) to the delayer with iptables' NFQUEUE target (nftables lacks its queue expression here; \(executor.name))\(moved)"
        )
    }

    /// gameday on an SSH host runs and has the delayer (an older one may not).
    func checkRemoteGameDay() async throws(NetworkFaultError) {
        let argv = [launch.executable, "delayer", "--help"]
        let output = try? await executor.attempt(argv, timeout: commandTimeout)
        guard let output, output.exitCode == 0, !output.timedOut else {
            throw .commandDidNotRun(
                argv: argv,
                message:
                    "\(output.map { $0.timedOut ? "timed out" : $0.lastLine.isEmpty ? "exit \($0.exitCode)" : $0.lastLine } ?? "ssh failed") "
                    + "on \(executor.name); the nfqueue backend runs gameday's delayer there: install gameday on the host, or set the unit's "
                    + "ssh.gameday to its absolute path there (default: 'gameday' on the host's PATH)")
        }
    }

    /// Starts the delayer, puts the rule in (its last command through `moment.effect`), and proves
    /// the delay; on any failure the rule and the delayer are removed again.
    public func apply(
        _ delay: QueuedDelay, scope: FirewallScope, engine: FirewallEngine, moment: FaultMoment = FaultMoment()
    ) async throws(NetworkFaultError) -> AppliedPortBlock {
        let blocker = PortBlocker(executor: executor, protected: protected)
        do {
            if launch.remote {
                _ = try await DelayerProcess(launch: launch).start(delay, scope: scope, via: executor)
            } else {
                _ = try await DelayerProcess(launch: launch).start(delay, scope: scope, namespace: namespace)
            }
        } catch {
            throw .noEffect(error.description)
        }
        do throws(NetworkFaultError) {
            var applied = try await blocker.apply(
                delay.block, scope: scope, backend: FirewallEngineChoice(engine), moment: moment)
            applied.effect = try await prove(delay) + "; " + applied.effect
            return applied
        } catch {
            _ = try? await blocker.revert(
                AppliedPortBlock(block: delay.block, scope: scope, backend: engine, commands: [], effect: ""))
            if launch.remote {
                for command in Self.stopStep(scope).idempotentCommands {
                    _ = try? await executor.attempt(command, timeout: commandTimeout)
                }
            } else {
                _ = try? await RecipeRunner().run(RevertRecipe(steps: [Self.stopStep(scope)]))
            }
            throw error
        }
    }

    /// The ledger's recipe: the rule first (packets stop being queued), then the delayer, which
    /// lets what it still holds go as it ends.
    public static func revertSteps(_ delay: QueuedDelay, scope: FirewallScope, engine: FirewallEngine)
        -> [RevertRecipe.Step]
    {
        [.removePortBlock(block: delay.block, scope: scope, backend: engine), stopStep(scope)]
    }

    static func stopStep(_ scope: FirewallScope) -> RevertRecipe.Step {
        .terminate(locator: DelayerProcess.locator(scope), what: "the delayer of \(scope.nftTable)", graceSeconds: 3)
    }

    // MARK: - Proof

    /// Times three TCP connects at once to the delayed port from where its packets come from (the
    /// proof takes one delay, not three); the fastest must
    /// take the delay less its jitter. Packets lost on every try prove a loss.
    func prove(_ delay: QueuedDelay) async throws(NetworkFaultError) -> String {
        guard let (host, port) = Self.probeEndpoint(delay.block) else {
            return "the delay is not measured (no address to connect to for \(delay.block))"
        }
        let wait = delay.delay + delay.jitter + .seconds(2)
        let argv = [
            launch.executable, "measure-connect", host, "\(port)", "--count", "3", "--timeout",
            DurationText.format(wait),
        ]
        let output = try await executor.mustRun(argv, timeout: wait + .seconds(10))
        let times = output.stdout.split(whereSeparator: \.isNewline).compactMap { Double($0) }
        let expected = (delay.delay - delay.jitter).milliseconds - 2
        guard let fastest = times.min() else {
            guard delay.lossPercent > 0 else {
                throw .noEffect("no TCP connect to \(host):\(port) was answered within \(DurationText.format(wait))")
            }
            return "no TCP connect to \(host):\(port) was answered: its packets are lost"
        }
        let measured = times.map { String(format: "%.1f", $0) }.joined(separator: ", ")
        guard fastest >= expected else {
            throw .noEffect(
                "TCP connects to \(host):\(port) took \(measured) ms, less than the \(String(format: "%.0f", expected)) ms asked: the packets are not delayed"
            )
        }
        return "TCP connects to \(host):\(port) took \(measured) ms (asked: \(delay.settings))"
    }

    /// Where a connect crosses the rule: the local port for inbound packets (from this host, so
    /// not when only one peer's packets are delayed), the peer's port for outbound ones.
    static func probeEndpoint(_ block: PortBlock) -> (String, Int)? {
        guard block.transport == .tcp, let port = block.ports.first?.lower else { return nil }
        switch block.direction {
        case .inbound:
            guard block.peer == nil else { return nil }
            return ("127.0.0.1", Int(port))
        case .outbound:
            guard let peer = block.peer, peer.isSingleAddress else { return nil }
            return (peer.address, Int(port))
        }
    }

    // MARK: - The kernel's queue table

    static let queueTable = "/proc/net/netfilter/nfnetlink_queue"

    /// The queue numbers bound now: the first column of the kernel's table.
    static func boundQueues(_ table: String) -> Set<UInt16> {
        Set(
            table.split(whereSeparator: \.isNewline).compactMap {
                $0.split(separator: " ").first.flatMap { UInt16($0) }
            })
    }

    /// `first`, or the next number after it that nobody has bound (wrapping within 1...65535).
    static func freeQueue(from first: UInt16, bound: Set<UInt16>) -> UInt16? {
        var number = first
        for _ in 0..<65_535 {
            if !bound.contains(number) { return number }
            number = number == .max ? 1 : number + 1
        }
        return nil
    }

    /// The rule's nftables commands as one script for `nft -c` (checked by the kernel, not applied).
    static func nftCheckScript(_ block: PortBlock, scope: FirewallScope) -> String {
        NftablesRules.apply(block, scope: scope).map { $0.dropFirst().joined(separator: " ") }.joined(separator: "; ")
    }
}
