import Foundation
import GameDayRuntime
import Testing

/// The exact argv of tbf and netem, snapshots read from tc's JSON, and what counts as whose root. No root needed.
@Suite struct TrafficCommandTests {
    let eth0 = try! InterfaceName("eth0")

    @Test func tbfOnTheRootWithGamedaysHandle() throws {
        let shape = TrafficShape.bandwidth(
            try BandwidthLimit(
                interface: eth0, rateBitsPerSecond: 100_000, burstBytes: 16384, latency: .milliseconds(50)))
        let plan = TrafficShaper.plan(shape)
        #expect(
            plan.snapshot == [
                ["tc", "-j", "qdisc", "show", "dev", "eth0"], ["tc", "class", "show", "dev", "eth0"],
                ["tc", "-j", "filter", "show", "dev", "eth0"],
            ])
        #expect(
            plan.apply == [
                [
                    "tc", "qdisc", "add", "dev", "eth0", "root", "handle", "d711:", "tbf", "rate", "100000bit", "burst",
                    "16384", "latency", "50ms",
                ]
            ])
        #expect(plan.revert == [["tc", "qdisc", "del", "dev", "eth0", "root", "handle", "d711:"]])
    }

    @Test func netemOnTheWholeInterface() throws {
        let shape = TrafficShape.netem(
            try NetemImpairment(
                interface: eth0, delay: .milliseconds(200), jitter: .microseconds(1500), lossPercent: 0.5))
        #expect(
            TrafficShaper.plan(shape).apply == [
                [
                    "tc", "qdisc", "add", "dev", "eth0", "root", "handle", "d711:", "netem", "delay", "200ms", "1500us",
                    "loss", "0.5%",
                ]
            ])
        let lossOnly = TrafficShape.netem(try NetemImpairment(interface: eth0, lossPercent: 100))
        #expect(
            lossOnly.applyCommands() == [
                ["tc", "qdisc", "add", "dev", "eth0", "root", "handle", "d711:", "netem", "loss", "100%"]
            ])
    }

    @Test func netemLimitedToAPortAndAddress() throws {
        let match = try NetemMatch(port: 5432, address: IPNetwork("10.0.3.7"))
        let shape = TrafficShape.netem(try NetemImpairment(interface: eth0, delay: .milliseconds(100), match: match))
        let priomap = Array(repeating: "0", count: 16)
        #expect(
            shape.applyCommands() == [
                ["tc", "qdisc", "add", "dev", "eth0", "root", "handle", "d711:", "prio", "bands", "3", "priomap"]
                    + priomap,
                [
                    "tc", "qdisc", "add", "dev", "eth0", "parent", "d711:3", "handle", "d712:", "netem", "delay",
                    "100ms",
                ],
                [
                    "tc", "filter", "add", "dev", "eth0", "parent", "d711:", "protocol", "ip", "prio", "1", "u32",
                    "match", "ip", "dport", "5432", "0xffff", "match", "ip", "dst", "10.0.3.7/32", "flowid", "d711:3",
                ],
            ])
    }

    @Test func netemLimitedToAPortCoversBothFamiliesAndToAnIPv6Network() throws {
        let port = TrafficShape.netem(
            try NetemImpairment(interface: eth0, delay: .seconds(1), match: NetemMatch(port: 8080)))
        #expect(
            Array(port.applyCommands().dropFirst(2)) == [
                [
                    "tc", "filter", "add", "dev", "eth0", "parent", "d711:", "protocol", "ip", "prio", "1", "u32",
                    "match", "ip", "dport", "8080", "0xffff", "flowid", "d711:3",
                ],
                [
                    "tc", "filter", "add", "dev", "eth0", "parent", "d711:", "protocol", "ipv6", "prio", "2", "u32",
                    "match", "ip6", "dport", "8080", "0xffff", "flowid", "d711:3",
                ],
            ])
        let network = TrafficShape.netem(
            try NetemImpairment(interface: eth0, lossPercent: 2, match: NetemMatch(address: IPNetwork("fd00::/64"))))
        #expect(
            network.applyCommands().last == [
                "tc", "filter", "add", "dev", "eth0", "parent", "d711:", "protocol", "ipv6", "prio", "1", "u32",
                "match", "ip6", "dst", "fd00::/64", "flowid", "d711:3",
            ])
    }

    @Test func aForeignRootIsReplacedAndPutBack() throws {
        let htb = """
            [{"kind":"htb","handle":"1:","root":true,"refcnt":3,"options":{"r2q":100,"default":"0x10","direct_packets_stat":4,"direct_qlen":500}},
             {"kind":"ingress","handle":"ffff:","parent":"ffff:fff1","options":{}}]
            """
        let original = try #require(QdiscSnapshot.parse(interface: eth0, qdiscs: htb, classes: "", filters: "[]"))
        #expect(original.owner == .foreign)
        #expect(original.qdiscs.count == 1, "ingress is not part of the egress tree")
        #expect(original.restoreProblem == nil)
        let shape = TrafficShape.bandwidth(
            try BandwidthLimit(interface: eth0, rateBitsPerSecond: 1_000_000, burstBytes: 32768, replaceRoot: true))
        let plan = TrafficShaper.plan(shape, original: original)
        #expect(plan.apply[0].prefix(3) == ["tc", "qdisc", "replace"])
        let htbArguments = ["htb", "r2q", "100", "default", "10", "direct_qlen", "500"]
        #expect(plan.revert == [["tc", "qdisc", "replace", "dev", "eth0", "root", "handle", "1:"] + htbArguments])
        #expect(
            original.revertRecipe == [
                IdempotentCommand(
                    ["tc", "qdisc", "del", "dev", "eth0", "root", "handle", "d711:"], okExitCodes: [1, 2]),
                IdempotentCommand(
                    ["tc", "qdisc", "add", "dev", "eth0", "root", "handle", "1:"] + htbArguments, okExitCodes: [2]),
            ])
    }

    @Test func whoseRootIsIt() throws {
        func snapshot(_ json: String, classes: String = "", filters: String = "[]") throws -> QdiscSnapshot {
            try #require(QdiscSnapshot.parse(interface: eth0, qdiscs: json, classes: classes, filters: filters))
        }
        #expect(
            try snapshot(#"[{"kind":"noqueue","handle":"0:","root":true,"refcnt":2,"options":{}}]"#).owner == .kernel)
        let mq =
            #"[{"kind":"mq","handle":"0:","root":true,"options":{}},{"kind":"fq_codel","handle":"0:","parent":":1","options":{"limit":10240}}]"#
        #expect(try snapshot(mq).owner == .kernel)
        // Someone's own qdisc under the default mq root makes the tree theirs.
        let tuned =
            #"[{"kind":"mq","handle":"0:","root":true,"options":{}},{"kind":"fq","handle":"8001:","parent":":1","options":{}}]"#
        #expect(try snapshot(tuned).owner == .foreign)
        #expect(try snapshot(tuned).restoreProblem == "mq 0: has 1 qdiscs below it")
        #expect(
            try snapshot(
                #"[{"kind":"tbf","handle":"d711:","root":true,"options":{"rate":12500,"burst":16384,"lat":50000}}]"#
            ).owner == .gameday)

        let htb =
            #"[{"kind":"htb","handle":"1:","root":true,"options":{"r2q":10,"default":"0x10","direct_qlen":1000}}]"#
        #expect(
            try snapshot(htb, classes: "class htb 1:10 root prio 0 rate 10Mbit ceil 20Mbit burst 1600b cburst 1600b\n")
                .restoreProblem == "htb 1: has 1 classes")
        #expect(
            try snapshot(htb, filters: #"[{"parent":"1:","protocol":"ip","pref":1,"kind":"u32","chain":0}]"#)
                .restoreProblem == "htb 1: has 1 filters")
        // tbf made with a peak rate reports only minburst: it cannot be made again as it was.
        let peak =
            #"[{"kind":"tbf","handle":"5:","root":true,"options":{"rate":625000,"burst":20480,"minburst":1599,"lat":70000}}]"#
        #expect(try snapshot(peak).restoreProblem?.contains("can re-create only") == true)
        #expect(
            try snapshot(
                #"[{"kind":"tbf","handle":"5:","root":true,"options":{"rate":625000,"burst":20480,"lat":70000}}]"#
            ).restoreCommands == [
                [
                    "tc", "qdisc", "replace", "dev", "eth0", "root", "handle", "5:", "tbf", "rate", "5000000bit",
                    "burst", "20480", "latency", "70000us",
                ]
            ])
    }

    @Test func snapshotsMatchDespiteTcRounding() throws {
        func tbf(_ burst: Int, _ lat: Int) throws -> QdiscSnapshot {
            try #require(
                QdiscSnapshot.parse(
                    interface: eth0,
                    qdiscs:
                        #"[{"kind":"tbf","handle":"5:","root":true,"options":{"rate":154250,"burst":\#(burst),"lat":\#(lat)}}]"#,
                    classes: "class tbf 5:1 parent 5:\n", filters: ""))
        }
        #expect(try tbf(6999, 32999).matches(tbf(6998, 32992)))
        #expect(try !tbf(6999, 32999).matches(tbf(9000, 32999)))
        #expect(try tbf(6999, 32999).userClasses == 0, "tbf's own class is not someone's class")
    }
}
