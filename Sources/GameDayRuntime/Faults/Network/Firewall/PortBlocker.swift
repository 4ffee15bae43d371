import GameDayCore

/// Blocks TCP/UDP ports with nftables (first choice) or iptables, proves the rules are in,
/// reads their counters to prove traffic hit them, and removes them again.
///
/// A block that would cut the runner's control channel (`protected`) is refused before
/// anything is applied.
public struct PortBlocker: Sendable {
    public let executor: any CommandExecutor
    /// Endpoints no block may cut: the SSH port, the control plane's address and port.
    public let protected: [ProtectedEndpoint]
    /// How long one `nft` or `iptables` command may run.
    public var commandTimeout: Duration = .seconds(20)

    public init(executor: any CommandExecutor = LocalExecutor(), protected: [ProtectedEndpoint] = []) {
        self.executor = executor
        self.protected = protected
    }

    // MARK: - Plan and checks

    /// The exact commands of `block` on `backend`, without running anything.
    public static func plan(_ block: PortBlock, scope: FirewallScope, backend: FirewallEngine) -> FirewallPlan {
        switch backend {
        case .nftables:
            return FirewallPlan(
                backend: backend, apply: NftablesRules.apply(block, scope: scope),
                revert: [NftablesRules.deleteTable(scope)],
                proof:
                    "table inet \(scope.nftTable) is hooked at \(block.direction == .inbound ? "input" : "output") with its rule; its counter moves once traffic matches"
            )
        case .iptables:
            return FirewallPlan(
                backend: backend, apply: IptablesRules.apply(block, scope: scope),
                revert: IptablesRules.revert(block, scope: scope),
                proof:
                    "chain \(scope.iptablesChain) holds its rules and is jumped to first; its counters move once traffic matches"
            )
        }
    }

    /// How to remove the block without this process, for the ledger: safe to run before the
    /// apply, after it, or twice. Resolve `auto` with `backend(for:)` first.
    public static func revertRecipe(_ block: PortBlock, scope: FirewallScope, backend: FirewallEngine)
        -> [IdempotentCommand]
    {
        switch backend {
        case .nftables:
            return [IdempotentCommand(NftablesRules.deleteTable(scope), okExitCodes: [1])]
        case .iptables:
            // -D exits 1 for a missing jump, 2 for a missing chain; -F and -X exit 1 for a missing chain.
            return IptablesRules.revert(block, scope: scope).map { argv in
                IdempotentCommand(argv, okExitCodes: argv[2] == "-D" ? [1, 2] : [1])
            }
        }
    }

    /// Throws when `block` would cut one of the protected endpoints.
    public func refuseIfProtected(_ block: PortBlock) throws(NetworkFaultError) {
        if let endpoint = protected.first(where: { $0.isCut(by: block) }) {
            throw .protectedEndpoint(block: block.description, endpoint: endpoint.description)
        }
    }

    /// Resolves `auto`: nftables when `nft list tables` works, else iptables when `iptables -S` does.
    public func backend(for choice: FirewallEngineChoice) async throws(NetworkFaultError) -> FirewallEngine {
        switch choice {
        case .nftables: return .nftables
        case .iptables: return .iptables
        case .auto:
            let nft = try? await executor.attempt(["nft", "list", "tables"], timeout: commandTimeout)
            if nft?.exitCode == 0 { return .nftables }
            let iptables = try? await executor.attempt(["iptables", "-w", "-S"], timeout: commandTimeout)
            if iptables?.exitCode == 0 { return .iptables }
            throw .noFirewallBackend(nft: Self.said(nft), iptables: Self.said(iptables))
        }
    }

    // MARK: - Apply, counters, revert

    /// Applies `block`, then proves its rules are in place. On any failure what was applied is removed again.
    ///
    /// The command that makes the block bite (nftables' rule, iptables' jump) runs through
    /// `moment.effect`; the table and chain before it change nothing yet.
    public func apply(
        _ block: PortBlock, scope: FirewallScope, backend choice: FirewallEngineChoice = .auto,
        moment: FaultMoment = FaultMoment()
    ) async throws(NetworkFaultError) -> AppliedPortBlock {
        try refuseIfProtected(block)
        let backend = try await backend(for: choice)
        let firewall = FirewallState(executor: executor, timeout: commandTimeout)
        if try await firewall.isPresent(scope, block: block, backend: backend) {
            throw .leftover(
                "the firewall already holds \(backend == .nftables ? "table inet \(scope.nftTable)" : "chain \(scope.iptablesChain)")"
            )
        }
        let commands = Self.plan(block, scope: scope, backend: backend).apply
        let effecting = Self.effectingCommand(commands, backend: backend)
        do throws(NetworkFaultError) {
            for (index, command) in commands.enumerated() {
                let run = { () async throws(NetworkFaultError) in
                    _ = try await executor.mustRun(command, timeout: commandTimeout)
                }
                if index == effecting { try await moment.effect(run) } else { try await run() }
            }
            let effect = try await firewall.prove(block, scope: scope, backend: backend)
            return AppliedPortBlock(block: block, scope: scope, backend: backend, commands: commands, effect: effect)
        } catch {
            _ = try? await firewall.remove(block, scope: scope, backend: backend)
            throw error
        }
    }

    /// The index of the first command after which traffic is blocked: nftables' `add rule` (the
    /// chain before it accepts everything), iptables' first jump to the filled chain.
    static func effectingCommand(_ commands: [[String]], backend: FirewallEngine) -> Int {
        switch backend {
        case .nftables: commands.count - 1
        case .iptables: commands.firstIndex { $0.contains("-I") } ?? commands.count - 1
        }
    }

    /// The packets and bytes the block's rules have matched so far.
    public func counters(_ applied: AppliedPortBlock) async throws(NetworkFaultError) -> FirewallCounters {
        try await FirewallState(executor: executor, timeout: commandTimeout).counters(
            applied.block, scope: applied.scope, backend: applied.backend)
    }

    /// Removes the block and proves it is gone; a block already gone is fine (the revert may be repeated).
    public func revert(_ applied: AppliedPortBlock) async throws(NetworkFaultError) -> String {
        try await FirewallState(executor: executor, timeout: commandTimeout).remove(
            applied.block, scope: applied.scope, backend: applied.backend)
    }

    /// Removes everything a run left, found by name: its nftables tables and its iptables chains
    /// with their jumps. For `gameday recover` when the ledger does not say what was applied.
    public func removeRun(runID: String) async throws(NetworkFaultError) -> [String] {
        _ = try FirewallScope(runID: runID)
        return try await FirewallState(executor: executor, timeout: commandTimeout).removeRun(runID: runID)
    }

    private static func said(_ output: CommandOutput?) -> String {
        guard let output else { return "nothing (the command could not run)" }
        return "'\(output.lastLine)' (exit \(output.exitCode))"
    }
}
