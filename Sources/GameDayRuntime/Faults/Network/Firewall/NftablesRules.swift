import GameDayCore

/// The nftables commands of a port block, as argv, and the reading of their counters.
///
/// Separate `nft add ...` commands rather than `nft -f FILE`: an executor may run on another
/// host (SSH) where a local ruleset file does not exist, and it has no stdin. The chain starts
/// empty with policy accept, so the block takes effect at once with the final `add rule`.
public enum NftablesRules {
    /// Hooked before the usual filter chains (priority 0, iptables-nft's too), so the counter sees
    /// every matching packet even when a later chain would drop it anyway.
    public static let priority = -10

    /// `nft add table`, `nft add chain` (a base chain on input or output), `nft add rule ... counter drop`.
    public static func apply(_ block: PortBlock, scope: FirewallScope) -> [[String]] {
        let hook = block.direction == .inbound ? "input" : "output"
        return [
            ["nft", "add", "table", "inet", scope.nftTable],
            [
                "nft", "add", "chain", "inet", scope.nftTable, scope.nftChain,
                "{ type filter hook \(hook) priority \(priority) ; policy accept ; }",
            ],
            ["nft", "add", "rule", "inet", scope.nftTable, scope.nftChain] + match(block) + ["counter"]
                + verdict(block),
        ]
    }

    /// `tcp dport { 80, 9000-9010 } ip saddr 10.0.0.0/8`
    static func match(_ block: PortBlock) -> [String] {
        let ports =
            block.ports.count == 1
            ? block.ports[0].description : "{ \(block.ports.map(\.description).joined(separator: ", ")) }"
        var words = [block.transport.rawValue, "dport", ports]
        if let peer = block.peer {
            words += [
                peer.family == .ipv4 ? "ip" : "ip6", block.direction == .inbound ? "saddr" : "daddr", peer.description,
            ]
        }
        return words
    }

    static func verdict(_ block: PortBlock) -> [String] {
        switch (block.action, block.transport) {
        case (.drop, _): return ["drop"]
        case (.reject, .tcp): return ["reject", "with", "tcp", "reset"]
        // In the inet family a bare reject answers ICMP(v6) port unreachable, what a closed UDP port does.
        case (.reject, .udp): return ["reject"]
        // bypass: with no program bound to the queue, packets pass as if the rule were not there.
        case (.queue, _): return ["queue", "num", "\(block.queue ?? 0)", "bypass"]
        }
    }

    /// Removes the block: its table, chain and rule. Exits 1 when the table is already gone.
    public static func deleteTable(_ scope: FirewallScope) -> [String] {
        ["nft", "delete", "table", "inet", scope.nftTable]
    }

    /// `nft -j list table inet gameday_<run>_<slot>`: exits 1 when the table is absent.
    public static func listTable(_ scope: FirewallScope) -> [String] {
        ["nft", "-j", "list", "table", "inet", scope.nftTable]
    }

    /// What `nft -j list table` says about the block's chain: its hook and the counters of its rules.
    public struct ChainState: Sendable, Hashable {
        public var hook: String?
        public var rules: Int
        public var packets: Int
        public var bytes: Int

        public init(hook: String?, rules: Int, packets: Int, bytes: Int) {
            self.hook = hook
            self.rules = rules
            self.packets = packets
            self.bytes = bytes
        }
    }

    /// Reads `chain` out of `nft -j list table` output; `nil` when the chain is not there.
    public static func chainState(_ json: String, chain: String) -> ChainState? {
        guard let items = JSONValue(parsing: json)?["nftables"]?.array else { return nil }
        guard let found = items.compactMap({ $0["chain"] }).first(where: { $0["name"]?.string == chain }) else {
            return nil
        }
        var state = ChainState(hook: found["hook"]?.string, rules: 0, packets: 0, bytes: 0)
        for rule in items.compactMap({ $0["rule"] }) where rule["chain"]?.string == chain {
            state.rules += 1
            for counter in rule["expr"]?.array?.compactMap({ $0["counter"] }) ?? [] {
                state.packets += Int(counter["packets"]?.number ?? 0)
                state.bytes += Int(counter["bytes"]?.number ?? 0)
            }
        }
        return state
    }

    /// The inet tables named in `nft -j list tables` output.
    public static func inetTables(_ json: String) -> [String] {
        let items = JSONValue(parsing: json)?["nftables"]?.array ?? []
        return items.compactMap { $0["table"] }.filter { $0["family"]?.string == "inet" }.compactMap {
            $0["name"]?.string
        }
    }
}
