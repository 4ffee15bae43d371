import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// Real qdiscs on a veth inside a test namespace: tbf slows a transfer, snapshots come back exactly,
/// foreign roots are refused, and netem is refused with advice where the kernel lacks it.
@Suite(.tags(.netns), .enabled(if: NamespacePair.isAvailable, NamespacePair.unavailableReason))
struct TrafficShaperTests {
    static let server = NamespacePair.serverAddress
    /// Detected once per test run: does this kernel have sch_netem, prio and u32?
    static let support = Task { await TrafficControlSupport.detect() }

    static func tc(_ pair: NamespacePair, _ arguments: [String]) async throws {
        let output = try await pair.serverExecutor.run(["tc"] + arguments, timeout: .seconds(10))
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

    @Test func netemDelaysTheWholeInterfaceOrOnlyTheMatchingPortForReal() async throws {
        let support = await Self.support.value
        guard support.netem, support.prio, support.u32 else {
            try Test.cancel("needs sch_netem, sch_prio and cls_u32: \(support.problem ?? "")")
        }
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080, 8081])
            defer { server.stop() }
            // On the client's egress: its SYNs to port 8080 carry destination port 8080.
            let shaper = TrafficShaper(executor: pair.clientExecutor)
            let before = try await shaper.snapshot(pair.clientInterface)

            let whole = try await shaper.apply(
                .netem(try NetemImpairment(interface: pair.clientInterface, delay: .milliseconds(300))))
            #expect(
                try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8081, timeout: 5).seconds > 0.25
            )
            _ = try await shaper.revert(whole)

            let limited = try NetemImpairment(
                interface: pair.clientInterface, delay: .milliseconds(300), match: NetemMatch(port: 8080))
            let applied = try await shaper.apply(.netem(limited))
            #expect(
                try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080, timeout: 5).seconds > 0.25
            )
            #expect(
                try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8081, timeout: 5).seconds < 0.25
            )
            _ = try await shaper.revert(applied)
            #expect(try await shaper.snapshot(pair.clientInterface) == before)
        }
    }
}
