import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// Real qdiscs on a veth inside a test namespace: tbf slows a transfer, snapshots come back exactly,
/// foreign roots are refused, and netem is refused with advice where the kernel lacks it. Where the
/// kernel has netem (the VM of `scripts/vm.sh`, run by `VirtualMachineTests`) netem delays and
/// loses real traffic, all of it or only a port's, and puts a foreign root back exactly.
@Suite(.tags(.netns), .enabled(if: NamespacePair.isAvailable, NamespacePair.unavailableReason))
struct TrafficShaperTests {
    static let server = NamespacePair.serverAddress
    /// Detected once per test run: does this kernel have sch_netem, prio and u32?
    static let support = Task { await TrafficControlSupport.detect() }

    static func tc(_ pair: NamespacePair, _ arguments: [String], in executor: NetnsExecutor? = nil) async throws {
        let output = try await (executor ?? pair.serverExecutor).run(["tc"] + arguments, timeout: .seconds(10))
        #expect(output.exitCode == 0, "tc \(arguments.joined(separator: " ")): \(output.lastLine)")
    }

    @Test func tbfSlowsATransferAndTheRevertRestoresTheSnapshot() async throws {
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080], payload: 250_000)
            defer { server.stop() }
            let shaper = TrafficShaper(executor: pair.serverExecutor)
            let before = try await shaper.snapshot(pair.serverInterface)
            #expect(before.owner == .kernel)
            #expect(before.root?.kind == "noqueue")

            let free = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080)
            #expect(free.ok && free.bytes == 250_000, "\(free)")

            // The server's egress carries the 250 KB: at 1 Mbit/s that takes about 2 s.
            let limit = try BandwidthLimit(
                interface: pair.serverInterface, rateBitsPerSecond: 1_000_000, burstBytes: 16384,
                latency: .milliseconds(100))
            let applied = try await shaper.apply(.bandwidth(limit))
            #expect(
                applied.effect == "root qdisc tbf d711: on \(pair.serverInterface): rate 1000000bit, burst 16384 bytes")
            #expect(applied.original == before)
            let shaped = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080)
            #expect(shaped.ok && shaped.bytes == 250_000, "\(shaped)")
            #expect(
                shaped.seconds > 1.0 && shaped.seconds > free.seconds * 4,
                "shaped \(shaped.seconds)s vs free \(free.seconds)s")

            let reverted = try await shaper.revert(applied)
            #expect(reverted == "\(pair.serverInterface) restored to noqueue 0: root")
            #expect(try await shaper.snapshot(pair.serverInterface) == before)
            #expect(try await shaper.revert(applied).contains("already back"))
        }
    }

    @Test func refusesAForeignRootAndReplacesItOnlyWhenAskedThenPutsItBack() async throws {
        try await NamespacePair.with { pair in
            let interface = pair.serverInterface
            try await Self.tc(
                pair,
                ["qdisc", "add", "dev", interface.name, "root", "handle", "1:", "htb", "default", "10", "r2q", "100"])
            let shaper = TrafficShaper(executor: pair.serverExecutor)
            let foreign = try await shaper.snapshot(interface)
            #expect(foreign.owner == .foreign)

            let polite = try BandwidthLimit(interface: interface, rateBitsPerSecond: 500_000, burstBytes: 16384)
            await #expect(throws: NetworkFaultError.foreignRootQdisc(interface: interface.name, root: foreign.summary))
            {
                try await shaper.apply(.bandwidth(polite))
            }
            // Not ==: htb counts the interface's own IPv6 chatter in direct_packets_stat meanwhile.
            #expect(try await shaper.snapshot(interface).matches(foreign), "nothing was touched")

            var forceful = polite
            forceful.replaceRoot = true
            let applied = try await shaper.apply(.bandwidth(forceful))
            #expect(applied.commands[0].prefix(3) == ["tc", "qdisc", "replace"])
            #expect(try await shaper.snapshot(interface).root?.kind == "tbf")

            _ = try await shaper.revert(applied)
            let restored = try await shaper.snapshot(interface)
            #expect(restored.root?.handle == "1:")
            #expect(restored.root?.options["r2q"] == .number(100))
            #expect(restored.root?.options["default"] == .string("0x10"))
            #expect(restored.matches(foreign))
        }
    }

    @Test func refusesATreeItCouldNotPutBackEvenWithReplaceRoot() async throws {
        try await NamespacePair.with { pair in
            let interface = pair.serverInterface
            try await Self.tc(
                pair, ["qdisc", "add", "dev", interface.name, "root", "handle", "1:", "htb", "default", "10"])
            try await Self.tc(
                pair,
                ["class", "add", "dev", interface.name, "parent", "1:", "classid", "1:10", "htb", "rate", "10mbit"])
            let shaper = TrafficShaper(executor: pair.serverExecutor)
            let before = try await shaper.snapshot(interface)
            let limit = try BandwidthLimit(
                interface: interface, rateBitsPerSecond: 500_000, burstBytes: 16384, replaceRoot: true)
            await #expect(
                throws: NetworkFaultError.notRestorable(interface: interface.name, reason: "htb 1: has 1 classes")
            ) {
                try await shaper.apply(.bandwidth(limit))
            }
            #expect(try await shaper.snapshot(interface).matches(before))
        }
    }

    @Test func aRootLeftByAnEarlierRunIsReported() async throws {
        try await NamespacePair.with { pair in
            let shaper = TrafficShaper(executor: pair.serverExecutor)
            let limit = try BandwidthLimit(
                interface: pair.serverInterface, rateBitsPerSecond: 500_000, burstBytes: 16384)
            let applied = try await shaper.apply(.bandwidth(limit))
            await #expect {
                try await shaper.apply(.bandwidth(limit))
            } throws: { error in
                "\(error)".contains("still carries gameday's root qdisc d711:")
                    && "\(error)".contains("gameday recover")
            }
            _ = try await shaper.revert(applied)
        }
    }

    @Test func theLedgerRecipeRestoresWithoutTheShaperAndMayRunTwice() async throws {
        try await NamespacePair.with { pair in
            let interface = pair.serverInterface
            let shaper = TrafficShaper(executor: pair.serverExecutor)
            let limit = try BandwidthLimit(
                interface: interface, rateBitsPerSecond: 500_000, burstBytes: 16384, replaceRoot: true)

            // The kernel's default root: the recipe deletes gameday's root, and only gameday's.
            let pristine = try await shaper.check(.bandwidth(limit))
            _ = try await shaper.apply(.bandwidth(limit), expecting: pristine)
            #expect(try await IdempotentCommand.run(pristine.revertRecipe, on: pair.serverExecutor).isEmpty)
            #expect(try await shaper.snapshot(interface) == pristine)
            #expect(
                try await IdempotentCommand.run(pristine.revertRecipe, on: pair.serverExecutor).isEmpty,
                "a second run is a no-op")

            // Someone's htb root: the recipe puts it back, and a second run leaves it alone.
            try await Self.tc(
                pair, ["qdisc", "add", "dev", interface.name, "root", "handle", "1:", "htb", "default", "20"])
            let foreign = try await shaper.check(.bandwidth(limit))
            _ = try await shaper.apply(.bandwidth(limit), expecting: foreign)
            #expect(try await IdempotentCommand.run(foreign.revertRecipe, on: pair.serverExecutor).isEmpty)
            #expect(try await shaper.snapshot(interface).matches(foreign))
            #expect(try await IdempotentCommand.run(foreign.revertRecipe, on: pair.serverExecutor).isEmpty)
            #expect(try await shaper.snapshot(interface).matches(foreign))

            // The interface changed between the check and the apply: refused.
            await #expect(throws: NetworkFaultError.self) {
                try await shaper.apply(.bandwidth(limit), expecting: pristine)
            }
        }
    }

    @Test func netemIsRefusedWithAdviceWhereTheKernelLacksIt() async throws {
        let support = await Self.support.value
        if support.netem && support.prio {
            try Test.cancel("this kernel has sch_netem and sch_prio: there is no refusal to see")
        }
        try await NamespacePair.with { pair in
            let shaper = TrafficShaper(executor: pair.serverExecutor)
            let before = try await shaper.snapshot(pair.serverInterface)
            let whole = try NetemImpairment(interface: pair.serverInterface, delay: .milliseconds(100))
            let limited = try NetemImpairment(
                interface: pair.serverInterface, delay: .milliseconds(100), match: NetemMatch(port: 8080))
            for shape in support.netem ? [TrafficShape.netem(limited)] : [.netem(whole), .netem(limited)] {
                await #expect {
                    try await shaper.apply(shape)
                } throws: { error in
                    guard case .kernelLacks(let message) = error as? NetworkFaultError else { return false }
                    print("refused: \(message)")
                    return (message.contains("lacks sch_netem") || message.contains("lacks sch_prio"))
                        && message.contains("qdisc kind is unknown")
                        && message.contains("proxy fault")
                }
                #expect(
                    try await shaper.snapshot(pair.serverInterface) == before, "a refused netem leaves nothing behind")
            }
        }
    }

    /// Cancels the test, with the reason, where the kernel cannot run a port-limited netem.
    static func requireNetem() async throws {
        let support = await Self.support.value
        guard support.netem, support.prio, support.u32 else {
            try Test.cancel("needs sch_netem, sch_prio and cls_u32 (scripts/vm.sh has them): \(support.problem ?? "")")
        }
    }

    // Bounds: a TCP transfer through a delayed egress waits at least twice the delay (the SYN, then
    // the handshake's last ACK, before the server accepts and sends), so a transfer that took less
    // than twice the delay did not pass netem, however slow the machine (a VM without KVM is).

    @Test func netemDelaysTheWholeInterfaceOrOnlyTheMatchingPortForReal() async throws {
        try await Self.requireNetem()
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080, 8081])
            defer { server.stop() }
            // On the client's egress: its SYNs to port 8080 carry destination port 8080.
            let shaper = TrafficShaper(executor: pair.clientExecutor)
            let before = try await shaper.snapshot(pair.clientInterface)

            let whole = try await shaper.apply(
                .netem(try NetemImpairment(interface: pair.clientInterface, delay: .seconds(1))))
            #expect(whole.effect == "root qdisc netem d711: on \(pair.clientInterface): delay 1000ms")
            let slowed = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8081, timeout: 10)
            #expect(slowed.ok && slowed.seconds >= 2, "\(slowed)")
            _ = try await shaper.revert(whole)
            #expect(try await shaper.snapshot(pair.clientInterface) == before)

            let limited = try NetemImpairment(
                interface: pair.clientInterface, delay: .seconds(1), match: NetemMatch(port: 8080))
            let applied = try await shaper.apply(.netem(limited))
            #expect(applied.effect == "netem d712: on \(pair.clientInterface) for traffic to port 8080: delay 1000ms")
            let matching = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080, timeout: 10)
            #expect(matching.ok && matching.seconds >= 2, "\(matching)")
            let other = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8081, timeout: 10)
            #expect(other.ok && other.seconds < 2, "\(other)")
            _ = try await shaper.revert(applied)
            #expect(try await shaper.snapshot(pair.clientInterface) == before)
        }
    }

    @Test func netemLossDropsOnlyTheMatchingTrafficForReal() async throws {
        try await Self.requireNetem()
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080, 8081], udp: [9090])
            defer { server.stop() }
            let shaper = TrafficShaper(executor: pair.clientExecutor)
            let before = try await shaper.snapshot(pair.clientInterface)

            // Every SYN to 8080 is lost: no connection, however long one waits; 8081 is untouched.
            let lost = try await shaper.apply(
                .netem(
                    try NetemImpairment(
                        interface: pair.clientInterface, lossPercent: 100, match: NetemMatch(port: 8080))))
            #expect(lost.effect.hasSuffix("for traffic to port 8080: loss 100%"), "\(lost.effect)")
            let refused = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080, timeout: 3)
            #expect(!refused.ok, "\(refused)")
            let other = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8081, timeout: 10)
            #expect(other.ok, "\(other)")
            _ = try await shaper.revert(lost)
            #expect(try await shaper.snapshot(pair.clientInterface) == before)

            // Half of 400 datagrams to 9090 are lost, each on its own: the echoes counted are
            // Binomial(400, 0.5), whose mean 200 is 10 standard deviations from either bound.
            let half = try await shaper.apply(
                .netem(
                    try NetemImpairment(
                        interface: pair.clientInterface, lossPercent: 50, match: NetemMatch(port: 9090))))
            let echoes = try await Self.udpEchoes(from: pair.client, port: 9090, count: 400)
            #expect((100...300).contains(echoes), "\(echoes) of 400 datagrams came back")
            _ = try await shaper.revert(half)
            #expect(try await shaper.snapshot(pair.clientInterface) == before)
        }
    }

    /// Sends `count` numbered datagrams to the test server's UDP echo at `port` and counts the
    /// distinct echoes that come back (waiting until none has come for 2 seconds).
    static func udpEchoes(from namespace: NamespaceName, port: Int, count: Int) async throws -> Int {
        let script = """
            import socket, sys, time
            host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            for i in range(count):
                s.sendto(str(i).encode(), (host, port))
                time.sleep(0.001)
            s.settimeout(2)
            seen = set()
            try:
                while len(seen) < count:
                    seen.add(s.recvfrom(64)[0])
            except socket.timeout:
                pass
            print(len(seen))
            """
        let output = try await NetnsExecutor(namespace: namespace).run(
            [TestTraffic.python, "-c", script, Self.server, "\(port)", "\(count)"], timeout: .seconds(120))
        let echoes = Int(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        return try #require(echoes, "the UDP client said: \(output.stdout)\(output.stderr)")
    }

    @Test func netemRefusesAForeignRootWithoutReplaceRoot() async throws {
        // Refused at the snapshot, before netem is tried: this runs on any kernel.
        try await NamespacePair.with { pair in
            let interface = pair.serverInterface
            try await Self.tc(
                pair, ["qdisc", "add", "dev", interface.name, "root", "handle", "1:", "htb", "default", "10"])
            let shaper = TrafficShaper(executor: pair.serverExecutor)
            let foreign = try await shaper.snapshot(interface)
            for match in [nil, try NetemMatch(port: 8080)] {
                let netem = try NetemImpairment(interface: interface, delay: .milliseconds(100), match: match)
                await #expect(
                    throws: NetworkFaultError.foreignRootQdisc(interface: interface.name, root: foreign.summary)
                ) {
                    try await shaper.apply(.netem(netem))
                }
                #expect(try await shaper.snapshot(interface).matches(foreign), "nothing was touched")
            }
        }
    }

    @Test func netemReplacesAForeignRootWhenAskedAndPutsItBackExactly() async throws {
        try await Self.requireNetem()
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080])
            defer { server.stop() }
            let interface = pair.clientInterface
            try await Self.tc(
                pair,
                ["qdisc", "add", "dev", interface.name, "root", "handle", "1:", "htb", "default", "10", "r2q", "100"],
                in: pair.clientExecutor)
            let shaper = TrafficShaper(executor: pair.clientExecutor)
            let netem = try NetemImpairment(
                interface: interface, delay: .seconds(1), jitter: .milliseconds(100), match: NetemMatch(port: 8080),
                replaceRoot: true)

            // Put back by the live revert, then by the ledger's recipe (what a watchdog runs).
            for way in ["revert", "recipe"] {
                let foreign = try await shaper.check(.netem(netem))
                #expect(foreign.owner == .foreign && foreign.root?.kind == "htb", "\(way): \(foreign.summary)")
                let applied = try await shaper.apply(.netem(netem), expecting: foreign)
                #expect(applied.commands[0].prefix(3) == ["tc", "qdisc", "replace"], "\(way)")
                #expect(applied.effect.hasSuffix("delay 1000ms 100ms"), "\(way): \(applied.effect)")
                let during = try await shaper.snapshot(interface)
                #expect(during.root?.kind == "prio" && during.root?.handle == "d711:", "\(way): \(during.summary)")
                #expect(during.qdiscs.contains { $0.kind == "netem" && $0.parent == "d711:3" }, "\(way)")
                // 1s less the 100ms jitter, twice.
                let slowed = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080, timeout: 10)
                #expect(slowed.ok && slowed.seconds >= 1.8, "\(way): \(slowed)")

                if way == "revert" {
                    let reverted = try await shaper.revert(applied)
                    #expect(reverted.hasPrefix("\(interface) restored to htb 1: root"), "\(reverted)")
                } else {
                    #expect(try await IdempotentCommand.run(foreign.revertRecipe, on: pair.clientExecutor).isEmpty)
                }
                let restored = try await shaper.snapshot(interface)
                #expect(restored.root?.handle == "1:", "\(way)")
                #expect(restored.root?.options["r2q"] == .number(100), "\(way)")
                #expect(restored.root?.options["default"] == .string("0x10"), "\(way)")
                #expect(restored.matches(foreign), "\(way): \(restored.summary) vs \(foreign.summary)")
            }
        }
    }
}
