import GameDayCore

/// Reads and removes the firewall objects of blocks: the proof, counters and revert behind `PortBlocker`.
struct FirewallState: Sendable {
    let executor: any CommandExecutor
    let timeout: Duration

    // MARK: - nftables

    /// The block's table as `nft -j list table` prints it; `nil` when the table does not exist.
    private func nftTable(_ scope: FirewallScope) async throws(NetworkFaultError) -> String? {
        let argv = NftablesRules.listTable(scope)
        let output = try await executor.attempt(argv, timeout: timeout)
        if output.exitCode == 0 { return output.stdout }
        // nft says "No such file or directory" for a missing table; anything else is a real failure.
        if output.stderr.contains("No such file or directory") { return nil }
        throw .commandFailed(argv: argv, exitCode: output.exitCode, output: output.lastLine, timedOut: output.timedOut)
    }

    private func nftChain(_ scope: FirewallScope) async throws(NetworkFaultError) -> NftablesRules.ChainState? {
        guard let json = try await nftTable(scope) else { return nil }
        return NftablesRules.chainState(json, chain: scope.nftChain)
    }

    // MARK: - iptables

    /// `iptables -S CHAIN` lines; `nil` when the chain does not exist.
    private func iptablesRules(_ family: IPNetwork.Family, chain: String) async throws(NetworkFaultError) -> [String]? {
        let output = try await executor.attempt(IptablesRules.listRules(family, chain: chain), timeout: timeout)
        guard output.exitCode == 0 else { return nil }
        return output.stdout.split(whereSeparator: \.isNewline).map(String.init)
    }

    // MARK: - Questions

    func isPresent(_ scope: FirewallScope, block: PortBlock, backend: FirewallEngine) async throws(NetworkFaultError)
        -> Bool
    {
        switch backend {
        case .nftables:
            return try await nftChain(scope) != nil
        case .iptables:
            for family in block.families {
                if try await iptablesRules(family, chain: scope.iptablesChain) != nil { return true }
            }
            return false
        }
    }

    /// Checks that the rules are in and hooked; returns what was seen.
    func prove(_ block: PortBlock, scope: FirewallScope, backend: FirewallEngine) async throws(NetworkFaultError)
        -> String
    {
        switch backend {
        case .nftables:
            let hook = block.direction == .inbound ? "input" : "output"
            guard let state = try await nftChain(scope), state.hook == hook, state.rules == 1 else {
                throw .noEffect("table inet \(scope.nftTable) is not hooked at \(hook) with its rule")
            }
            return
                "nftables table inet \(scope.nftTable) hooked at \(hook): \(state.rules) rule, \(state.packets) packets so far"
        case .iptables:
            let hook = IptablesRules.hook(block)
            for family in block.families {
                let rules = try await iptablesRules(family, chain: scope.iptablesChain)?.filter { $0.hasPrefix("-A ") }
                let first = try await iptablesRules(family, chain: hook)?.first { $0.hasPrefix("-A ") }
                guard rules?.count == block.ports.count, first == "-A \(hook) -j \(scope.iptablesChain)" else {
                    throw .noEffect(
                        "\(IptablesRules.program(family)) chain \(scope.iptablesChain) is not in place first in \(hook)"
                    )
                }
            }
            let tools = block.families.map(IptablesRules.program).joined(separator: " and ")
            return
                "\(tools) chain \(scope.iptablesChain) first in \(hook): \(block.ports.count) rule\(block.ports.count == 1 ? "" : "s") per family"
        }
    }

    func counters(_ block: PortBlock, scope: FirewallScope, backend: FirewallEngine) async throws(NetworkFaultError)
        -> FirewallCounters
    {
        switch backend {
        case .nftables:
            guard let state = try await nftChain(scope) else {
                throw .noEffect("table inet \(scope.nftTable) is gone")
            }
            return FirewallCounters(packets: state.packets, bytes: state.bytes)
        case .iptables:
            var total = FirewallCounters(packets: 0, bytes: 0)
            for family in block.families {
                let output = try await executor.mustRun(
                    IptablesRules.listCounters(family, chain: scope.iptablesChain), timeout: timeout)
                let counted = IptablesRules.counters(output.stdout)
                total.packets += counted.packets
                total.bytes += counted.bytes
            }
            return total
        }
    }

    // MARK: - Removal

    /// Removes one block; already gone is fine. Proves the chain is gone afterwards.
    func remove(_ block: PortBlock, scope: FirewallScope, backend: FirewallEngine) async throws(NetworkFaultError)
        -> String
    {
        switch backend {
        case .nftables:
            guard try await nftTable(scope) != nil else { return "table inet \(scope.nftTable) already gone" }
            _ = try await executor.mustRun(NftablesRules.deleteTable(scope), timeout: timeout)
            guard try await nftTable(scope) == nil else {
                throw .notRestored("table inet \(scope.nftTable) is still there")
            }
            return "deleted table inet \(scope.nftTable)"
        case .iptables:
            var done: [String] = []
            for family in block.families {
                let tool = IptablesRules.program(family)
                let existed = try await iptablesRules(family, chain: scope.iptablesChain) != nil
                try await removeIptablesChain(family, chain: scope.iptablesChain, hooks: [IptablesRules.hook(block)])
                if existed {
                    done.append(
                        "removed \(tool) chain \(scope.iptablesChain) and its jump from \(IptablesRules.hook(block))")
                }
            }
            return done.isEmpty ? "chain \(scope.iptablesChain) already gone" : done.joined(separator: ", ")
        }
    }

    /// Deletes every jump to `chain` from `hooks` (a repeated apply may have left two), then the chain.
    private func removeIptablesChain(_ family: IPNetwork.Family, chain: String, hooks: [String])
        async throws(NetworkFaultError)
    {
        let tool = [IptablesRules.program(family), "-w"]
        for hook in hooks {
            for _ in 0..<8 {
                guard try await executor.attempt(tool + ["-D", hook, "-j", chain], timeout: timeout).exitCode == 0
                else { break }
            }
        }
        guard try await iptablesRules(family, chain: chain) != nil else { return }
        _ = try await executor.mustRun(tool + ["-F", chain], timeout: timeout)
        _ = try await executor.mustRun(tool + ["-X", chain], timeout: timeout)
        if try await iptablesRules(family, chain: chain) != nil {
            throw .notRestored("\(tool[0]) chain \(chain) is still there")
        }
    }

    /// Removes every `gameday_<run>_` nftables table and every `GAMEDAY-<run>-` iptables chain with the jumps to it.
    func removeRun(runID: String) async throws(NetworkFaultError) -> [String] {
        var done: [String] = []
        // A host without nft (or iptables) has nothing of ours there.
        if let listed = try? await executor.attempt(["nft", "-j", "list", "tables"], timeout: timeout),
            listed.exitCode == 0
        {
            for table in NftablesRules.inetTables(listed.stdout)
            where table.hasPrefix(FirewallScope.nftPrefix(runID: runID)) {
                _ = try await executor.mustRun(["nft", "delete", "table", "inet", table], timeout: timeout)
                done.append("deleted table inet \(table)")
            }
        }
        let prefix = FirewallScope.iptablesPrefix(runID: runID)
        for family in [IPNetwork.Family.ipv4, .ipv6] {
            guard
                let output = try? await executor.attempt(
                    [IptablesRules.program(family), "-w", "-S"], timeout: timeout), output.exitCode == 0
            else {
                continue
            }
            let lines = output.stdout.split(whereSeparator: \.isNewline).map {
                $0.split(separator: " ").map(String.init)
            }
            for chain in lines.filter({ $0.count == 2 && $0[0] == "-N" && $0[1].hasPrefix(prefix) }).map({ $0[1] }) {
                let hooks = lines.filter { $0.count == 4 && $0[0] == "-A" && $0[2] == "-j" && $0[3] == chain }.map {
                    $0[1]
                }
                try await removeIptablesChain(family, chain: chain, hooks: hooks)
                done.append("removed \(IptablesRules.program(family)) chain \(chain)")
            }
        }
        return done
    }
}
