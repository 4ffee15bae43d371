/// The iptables commands of a port block, as argv, and the reading of their counters.
///
/// The block lives in its own chain of the filter table; the jump to it is inserted first in
/// INPUT or OUTPUT only after its rules are in, so the block takes effect in one step and a
/// revert removes it whole. A block with no peer covers IPv6 too (`ip6tables`), as the
/// nftables `inet` table does. `-w` waits for the xtables lock instead of failing beside
/// another tool that holds it.
public enum IptablesRules {
    /// `iptables` or `ip6tables`, by family.
    static func program(_ family: IPNetwork.Family) -> String {
        family == .ipv4 ? "iptables" : "ip6tables"
    }

    static func hook(_ block: PortBlock) -> String {
        block.direction == .inbound ? "INPUT" : "OUTPUT"
    }

    /// `-N` the chain, `-A` one rule per port range, then `-I INPUT 1 -j` the chain; per family.
    public static func apply(_ block: PortBlock, scope: FirewallScope) -> [[String]] {
        let chain = scope.iptablesChain
        return block.families.flatMap { family -> [[String]] in
            let tool = [program(family), "-w"]
            var commands = [tool + ["-N", chain]]
            for range in block.ports {
                var rule = tool + ["-A", chain, "-p", block.transport.rawValue]
                if let peer = block.peer {
                    rule += [block.direction == .inbound ? "-s" : "-d", peer.description]
                }
                rule += ["--dport", range.iptables] + verdict(block)
                commands.append(rule)
            }
            commands.append(tool + ["-I", hook(block), "1", "-j", chain])
            return commands
        }
    }

    static func verdict(_ block: PortBlock) -> [String] {
        switch (block.action, block.transport) {
        case (.drop, _): return ["-j", "DROP"]
        case (.reject, .tcp): return ["-j", "REJECT", "--reject-with", "tcp-reset"]
        // The default answer is ICMP(v6) port unreachable, what a closed UDP port does.
        case (.reject, .udp): return ["-j", "REJECT"]
        case (.queue, _): return ["-j", "NFQUEUE", "--queue-num", "\(block.queue ?? 0)", "--queue-bypass"]
        }
    }

    /// Removes the jump, then flushes and deletes the chain; per family.
    public static func revert(_ block: PortBlock, scope: FirewallScope) -> [[String]] {
        block.families.flatMap { family in
            let tool = [program(family), "-w"]
            return [
                tool + ["-D", hook(block), "-j", scope.iptablesChain],
                tool + ["-F", scope.iptablesChain],
                tool + ["-X", scope.iptablesChain],
            ]
        }
    }

    /// `iptables -w -S CHAIN`: exits 1 when the chain is absent.
    static func listRules(_ family: IPNetwork.Family, chain: String) -> [String] {
        [program(family), "-w", "-S", chain]
    }

    /// `iptables -w -L CHAIN -v -x -n`: exact packet and byte counters per rule.
    static func listCounters(_ family: IPNetwork.Family, chain: String) -> [String] {
        [program(family), "-w", "-L", chain, "-v", "-x", "-n"]
    }

    /// Sums the counters of `iptables -L CHAIN -v -x -n` output: rule rows start with two numbers.
    public static func counters(_ listing: String) -> (rules: Int, packets: Int, bytes: Int) {
        var result = (rules: 0, packets: 0, bytes: 0)
        for line in listing.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 3, let packets = Int(fields[0]), let bytes = Int(fields[1]) else { continue }
            result.rules += 1
            result.packets += packets
            result.bytes += bytes
        }
        return result
    }
}
