import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

@testable import GameDayRuntime

/// The delayer's arithmetic and the nfqueue rule's words, without a kernel.
struct DelayScheduleTests {
    /// A repeatable generator (SplitMix64), so jitter and loss are the same on every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func releases(_ schedule: inout DelaySchedule, arrivals: [UInt64], seed: UInt64 = 7) -> [UInt64?] {
        var random = Seeded(state: seed)
        return arrivals.map { arrival in
            if case .release(let at) = schedule.admit(arrivedAt: arrival, using: &random) { return at }
            return nil
        }
    }

    @Test func withoutJitterEveryPacketIsHeldExactlyTheDelay() {
        var schedule = DelaySchedule(delay: .milliseconds(50))
        let arrivals: [UInt64] = [0, 1_000, 7_000_000, 7_000_001]
        #expect(Self.releases(&schedule, arrivals: arrivals) == arrivals.map { $0 + 50_000_000 })
    }

    @Test func jitterStaysWithinItsBoundsAndOrderIsKeptUnlessReorderingIsAllowed() {
        let arrivals = (0..<2_000).map { UInt64($0) * 100_000 }  // one packet every 0.1 ms
        var ordered = DelaySchedule(delay: .milliseconds(50), jitter: .milliseconds(10))
        let kept = Self.releases(&ordered, arrivals: arrivals).compactMap { $0 }
        #expect(kept == kept.sorted(), "releases in arrival order")
        // Waiting for a predecessor only ever lengthens a hold, never past the longest draw of any earlier packet.
        for (arrival, release) in zip(arrivals, kept) {
            #expect(release >= arrival + 40_000_000)
        }
        #expect(kept.last! <= arrivals.last! + 60_000_000 + 200_000_000)

        var free = DelaySchedule(delay: .milliseconds(50), jitter: .milliseconds(10), keepOrder: false)
        let loose = Self.releases(&free, arrivals: arrivals).compactMap { $0 }
        let holds = zip(arrivals, loose).map { Int64($1) - Int64($0) }
        #expect(holds.allSatisfy { (40_000_000...60_000_000).contains($0) })
        #expect(loose != loose.sorted(), "with jitter ten times the spacing, some packets overtake others")
        #expect(free.settings == "delay 50ms ± 10ms, reordering allowed")
    }

    @Test func lossDropsAboutItsShareAndAllOrNone() {
        let arrivals = (0..<10_000).map { UInt64($0) }
        var some = DelaySchedule(delay: .zero, lossPercent: 25)
        let lost = Self.releases(&some, arrivals: arrivals).filter { $0 == nil }.count
        // 10,000 draws at 25 %: the seeded count, well inside ±5 standard deviations (±217).
        #expect((2_283...2_717).contains(lost), "\(lost)")
        var all = DelaySchedule(delay: .zero, lossPercent: 100)
        #expect(Self.releases(&all, arrivals: arrivals).allSatisfy { $0 == nil })
        var none = DelaySchedule(delay: .zero, lossPercent: 0)
        #expect(Self.releases(&none, arrivals: arrivals).allSatisfy { $0 != nil })
        #expect(some.settings == "loss 25%")
    }

    @Test func theRuleQueuesWithBypassInBothFirewallsAndItsCountersSayQueued() throws {
        let scope = try FirewallScope(runID: "ab12cd34", slot: 1)
        let block = try PortBlock(direction: .inbound, ports: [FirewallPortRange(9311)], action: .queue, queue: 34_701)
        #expect(block.description == "inbound tcp 9311 (queue 34701)")
        #expect(block.matchedVerb == "queued")
        #expect(
            NftablesRules.apply(block, scope: scope).last
                == [
                    "nft", "add", "rule", "inet", "gameday_ab12cd34_1", "block", "tcp", "dport", "9311", "counter",
                    "queue", "num", "34701", "bypass",
                ])
        #expect(
            IptablesRules.apply(block, scope: scope)[1]
                == [
                    "iptables", "-w", "-A", "GAMEDAY-ab12cd34-1", "-p", "tcp", "--dport", "9311", "-j", "NFQUEUE",
                    "--queue-num", "34701", "--queue-bypass",
                ])
        // A block that is not a queue has no queue number, whatever was passed.
        #expect(try PortBlock(direction: .inbound, ports: [FirewallPortRange(1)], queue: 5).queue == nil)
    }

    @Test func queueNumbersStayInTheirRangeAndTheDelayerIsFoundByItsTag() throws {
        for run in ["00000000", "ffffffff", "d0b87e7f", "a1c877db"] {
            for slot in [1, 2, 99] {
                let queue = QueuedDelay.firstQueue(runID: run, slot: slot)
                #expect((20_000...59_999).contains(queue), "\(run)/\(slot): \(queue)")
            }
        }
        #expect(
            QueuedDelay.firstQueue(runID: "d0b87e7f", slot: 1) != QueuedDelay.firstQueue(runID: "d0b87e7f", slot: 2))
        let scope = try FirewallScope(runID: "ab12cd34", slot: 1)
        // Slot 1's tag is not a prefix of slot 10's: the locator ends with the space after the tag.
        #expect(DelayerProcess.locator(scope) == .commandLine("--tag gameday_ab12cd34_1/delayer "))
        let launch = DelayerLaunch(
            executable: "/usr/bin/gameday",
            lifeline: RunnerLifeline(heartbeat: "/s/hb", timeout: .seconds(10), deadline: 1_000.5, runnerPid: 42),
            directory: "/s/runs")
        let block = try PortBlock(direction: .inbound, ports: [FirewallPortRange(9311)], action: .queue, queue: 20_001)
        let delay = QueuedDelay(block: block, delay: .milliseconds(600), jitter: .milliseconds(50), lossPercent: 1.5)
        #expect(
            DelayerProcess(launch: launch).argv(delay, scope: scope, namespace: try NamespaceName("gd-bj"), ready: "/r")
                == [
                    DelayerProcess.ipProgram, "netns", "exec", "gd-bj", "/usr/bin/gameday", "delayer", "--tag",
                    "gameday_ab12cd34_1/delayer", "--queue", "20001", "--delay", "600ms", "--jitter", "50ms", "--loss",
                    "1.5", "--heartbeat", "/s/hb", "--timeout", "10s", "--deadline", "1000.500", "--runner-pid", "42",
                    "--ready", "/r",
                ])
    }

    @Test func theKernelsQueueTableAndWhereAConnectCrossesTheRule() throws {
        let table = """
              0  23456     0 2 65531     0     0        0  1
            34701  1234     3 2     0     0     0       17  1

            """
        #expect(QueueDelayer.boundQueues(table) == [0, 34_701])
        #expect(QueueDelayer.freeQueue(from: 34_700, bound: [0, 34_701]) == 34_700)
        #expect(QueueDelayer.freeQueue(from: 34_701, bound: [0, 34_701, 34_702]) == 34_703)
        #expect(QueueDelayer.freeQueue(from: 65_535, bound: [65_535, 1]) == 2)
        let inbound = try PortBlock(direction: .inbound, ports: [FirewallPortRange(8080)], action: .queue, queue: 1)
        #expect(QueueDelayer.probeEndpoint(inbound).map { "\($0.0):\($0.1)" } == "127.0.0.1:8080")
        var fromOnePeer = inbound
        fromOnePeer.peer = try IPNetwork("10.0.0.9")
        #expect(QueueDelayer.probeEndpoint(fromOnePeer) == nil, "a connect from here does not come from the peer")
        let outbound = try PortBlock(
            direction: .outbound, ports: [FirewallPortRange(5432)], peer: try IPNetwork("10.0.0.9"), action: .queue,
            queue: 1)
        #expect(QueueDelayer.probeEndpoint(outbound).map { "\($0.0):\($0.1)" } == "10.0.0.9:5432")
        let udp = try PortBlock(
            direction: .inbound, transport: .udp, ports: [FirewallPortRange(53)], action: .queue, queue: 1)
        #expect(QueueDelayer.probeEndpoint(udp) == nil)
        let scope = try FirewallScope(runID: "ab12cd34", slot: 1)
        #expect(
            QueueDelayer.nftCheckScript(inbound, scope: scope)
                == "add table inet gameday_ab12cd34_1; add chain inet gameday_ab12cd34_1 block { type filter hook input priority -10 ; policy accept ; }; add rule inet gameday_ab12cd34_1 block tcp dport 8080 counter queue num 1 bypass"
        )
    }

    @Test func theConnectTimerTimesAnAnswerEvenARefusalAndNamesWhatItCannotTry() throws {
        // A port nobody listens on: refused at once over loopback, which is an answer all the same.
        let port = try freePort()
        let outcomes = ConnectTimer.measure(host: "127.0.0.1", port: UInt16(port), count: 3, timeout: .seconds(5))
        #expect(outcomes.count == 3)
        for outcome in outcomes {
            guard case .answered(_, let refused) = outcome else {
                Issue.record("\(outcome)")
                continue
            }
            #expect(refused)
        }
        #expect(
            ConnectTimer.measure(host: "not-an-address", port: 1, timeout: .seconds(1)) == [
                .failed("not an address: not-an-address")
            ])
    }
}
