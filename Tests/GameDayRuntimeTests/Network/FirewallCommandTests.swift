import Foundation
import GameDayRuntime
import Testing

/// The exact argv of port blocks, and the reading of nft and iptables output. No root needed.
@Suite struct FirewallCommandTests {
    let scope = try! FirewallScope(runID: "8f3a01bc", slot: 1)

    @Test func nftablesInboundListAndRangeFromAPeer() throws {
        let block = try PortBlock(
            direction: .inbound, ports: [FirewallPortRange(80), FirewallPortRange(9000, 9010)],
            peer: IPNetwork("10.0.0.0/8"))
        let plan = PortBlocker.plan(block, scope: scope, backend: .nftables)
        #expect(
            plan.apply == [
                ["nft", "add", "table", "inet", "gameday_8f3a01bc_1"],
                [
                    "nft", "add", "chain", "inet", "gameday_8f3a01bc_1", "block",
                    "{ type filter hook input priority -10 ; policy accept ; }",
                ],
                [
                    "nft", "add", "rule", "inet", "gameday_8f3a01bc_1", "block", "tcp", "dport", "{ 80, 9000-9010 }",
                    "ip", "saddr", "10.0.0.0/8", "counter", "drop",
                ],
            ])
        #expect(plan.revert == [["nft", "delete", "table", "inet", "gameday_8f3a01bc_1"]])
        #expect(
            PortBlocker.revertRecipe(block, scope: scope, backend: .nftables) == [
                IdempotentCommand(["nft", "delete", "table", "inet", "gameday_8f3a01bc_1"], okExitCodes: [1])
            ])
    }

    @Test func nftablesOutboundRejects() throws {
        let tcp = try PortBlock(
            direction: .outbound, ports: [FirewallPortRange(5432)], peer: IPNetwork("fd00::7"), action: .reject)
        #expect(
            PortBlocker.plan(tcp, scope: scope, backend: .nftables).apply.last == [
                "nft", "add", "rule", "inet", "gameday_8f3a01bc_1", "block", "tcp", "dport", "5432", "ip6", "daddr",
                "fd00::7", "counter", "reject", "with", "tcp", "reset",
            ])
        #expect(
            PortBlocker.plan(tcp, scope: scope, backend: .nftables).apply[1].last
                == "{ type filter hook output priority -10 ; policy accept ; }")
        let udp = try PortBlock(direction: .outbound, transport: .udp, ports: [FirewallPortRange(53)], action: .reject)
        #expect(
            PortBlocker.plan(udp, scope: scope, backend: .nftables).apply.last?.suffix(5) == [
                "udp", "dport", "53", "counter", "reject",
            ])
    }

    @Test func iptablesOwnChainJumpedToFirstForBothFamilies() throws {
        let block = try PortBlock(direction: .inbound, ports: [FirewallPortRange(80), FirewallPortRange(9000, 9010)])
        let plan = PortBlocker.plan(block, scope: scope, backend: .iptables)
        let v4: [[String]] = [
            ["iptables", "-w", "-N", "GAMEDAY-8f3a01bc-1"],
            ["iptables", "-w", "-A", "GAMEDAY-8f3a01bc-1", "-p", "tcp", "--dport", "80", "-j", "DROP"],
            ["iptables", "-w", "-A", "GAMEDAY-8f3a01bc-1", "-p", "tcp", "--dport", "9000:9010", "-j", "DROP"],
            ["iptables", "-w", "-I", "INPUT", "1", "-j", "GAMEDAY-8f3a01bc-1"],
        ]
        #expect(plan.apply == v4 + v4.map { ["ip6tables"] + $0.dropFirst() })
        #expect(
            plan.revert.prefix(3) == [
                ["iptables", "-w", "-D", "INPUT", "-j", "GAMEDAY-8f3a01bc-1"],
                ["iptables", "-w", "-F", "GAMEDAY-8f3a01bc-1"],
                ["iptables", "-w", "-X", "GAMEDAY-8f3a01bc-1"],
            ])
        #expect(plan.revert.count == 6)
        #expect(
            PortBlocker.revertRecipe(block, scope: scope, backend: .iptables).prefix(3) == [
                IdempotentCommand(["iptables", "-w", "-D", "INPUT", "-j", "GAMEDAY-8f3a01bc-1"], okExitCodes: [1, 2]),
                IdempotentCommand(["iptables", "-w", "-F", "GAMEDAY-8f3a01bc-1"], okExitCodes: [1]),
                IdempotentCommand(["iptables", "-w", "-X", "GAMEDAY-8f3a01bc-1"], okExitCodes: [1]),
            ])
    }

    @Test func iptablesPeerAndRejectOnlyInThePeersFamily() throws {
        let block = try PortBlock(
            direction: .outbound, transport: .tcp, ports: [FirewallPortRange(8080)], peer: IPNetwork("10.231.0.2"),
            action: .reject)
        #expect(
            PortBlocker.plan(block, scope: scope, backend: .iptables).apply == [
                ["iptables", "-w", "-N", "GAMEDAY-8f3a01bc-1"],
                [
                    "iptables", "-w", "-A", "GAMEDAY-8f3a01bc-1", "-p", "tcp", "-d", "10.231.0.2", "--dport", "8080",
                    "-j", "REJECT", "--reject-with", "tcp-reset",
                ],
                ["iptables", "-w", "-I", "OUTPUT", "1", "-j", "GAMEDAY-8f3a01bc-1"],
            ])
    }

    @Test func readsNftCountersFromJSON() {
        let json = """
            {"nftables": [{"metainfo": {"version": "1.0.6"}}, {"table": {"family": "inet", "name": "gameday_8f3a01bc_1", "handle": 1}},
            {"chain": {"family": "inet", "table": "gameday_8f3a01bc_1", "name": "block", "handle": 1, "type": "filter", "hook": "input", "prio": -10, "policy": "accept"}},
            {"rule": {"family": "inet", "table": "gameday_8f3a01bc_1", "chain": "block", "handle": 3, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8080}}, {"counter": {"packets": 7, "bytes": 420}}, {"drop": null}]}}]}
            """
        #expect(
            NftablesRules.chainState(json, chain: "block")
                == NftablesRules.ChainState(hook: "input", rules: 1, packets: 7, bytes: 420))
        #expect(NftablesRules.chainState(json, chain: "other") == nil)
        let tables = """
            {"nftables": [{"metainfo": {"version": "1.0.6"}}, {"table": {"family": "inet", "name": "gameday_8f3a01bc_1", "handle": 1}},
            {"table": {"family": "ip", "name": "filter", "handle": 2}}, {"table": {"family": "inet", "name": "gameday_8f3a01bc_2", "handle": 3}}]}
            """
        #expect(NftablesRules.inetTables(tables) == ["gameday_8f3a01bc_1", "gameday_8f3a01bc_2"])
    }

    @Test func readsIptablesCounters() {
        let listing = """
            Chain GAMEDAY-8f3a01bc-1 (1 references)
                pkts      bytes target     prot opt in     out     source               destination
                   3      180 DROP       6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8080
                  12      720 DROP       6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpts:9000:9010
            """
        let counted = IptablesRules.counters(listing)
        #expect(counted.rules == 2)
        #expect(counted.packets == 15)
        #expect(counted.bytes == 900)
    }
}
