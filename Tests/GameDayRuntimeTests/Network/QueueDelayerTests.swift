import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The latency fault's nfqueue backend for real, in a test namespace: the rule queues one port's
/// packets to the real `gameday delayer`, which holds them; the revert removes both; the delayer's
/// death lets traffic flow (bypass), and it ends itself when the run's heartbeat falls silent.
@Suite(.tags(.netns), .enabled(if: NamespacePair.isAvailable, NamespacePair.unavailableReason))
struct QueueDelayerTests {
    static let server = NamespacePair.serverAddress

    /// A delayer launch whose lifeline is a fresh heartbeat file in `scratch`, watched with `timeout`.
    static func launch(_ scratch: Scratch, timeout: Duration = .seconds(60)) throws -> DelayerLaunch {
        let heartbeat = scratch.path("run.heartbeat")
        FileManager.default.createFile(atPath: heartbeat, contents: Data())
        return DelayerLaunch(
            executable: try GameDayBinary.path,
            lifeline: RunnerLifeline(
                heartbeat: heartbeat, timeout: timeout, deadline: Date().timeIntervalSince1970 + 600,
                runnerPid: getpid()),
            directory: scratch.path("runs"))
    }

    static func delay(
        _ port: Int, run: String, delay: Duration = .milliseconds(300), loss: Double = 0
    ) throws -> (QueuedDelay, FirewallScope) {
        let scope = try FirewallScope(runID: run, slot: 1)
        let block = try PortBlock(
            direction: .inbound, ports: [FirewallPortRange(port)], action: .queue,
            queue: QueuedDelay.firstQueue(runID: run, slot: 1))
        return (QueuedDelay(block: block, delay: delay, lossPercent: loss), scope)
    }

    @Test func delaysOnlyTheQueuedPortUntilTheRecipeRemovesTheRuleAndEndsTheDelayer() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080, 8081])
            defer { server.stop() }
            let delayer = QueueDelayer(
                executor: pair.serverExecutor, launch: try Self.launch(scratch), namespace: pair.server)
            let (delay, scope) = try Self.delay(8080, run: "qd1")
            let (checked, engine, found) = try await delayer.check(delay, scope: scope)
            #expect(checked == delay, "its own queue is free")
            #expect(found.contains("will queue inbound tcp 8080"), "\(found)")

            let applied = try await delayer.apply(delay, scope: scope, engine: engine)
            // Proven by the delayer's own measure: three connects, each at least the delay less 2 ms.
            #expect(applied.effect.contains("TCP connects to 127.0.0.1:8080 took"), "\(applied.effect)")
            let slow = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080, timeout: 5)
            let fast = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8081, timeout: 5)
            #expect(slow.ok && slow.seconds >= 0.29, "\(slow)")
            #expect(fast.ok && fast.seconds < 0.29, "\(fast)")
            #expect((try? ProcessTable().find(DelayerProcess.locator(scope)))?.count == 1)

            let recipe = RevertRecipe(
                executor: pair.serverExecutor.name, steps: QueueDelayer.revertSteps(delay, scope: scope, engine: engine)
            )
            let undone = try await RecipeRunner().run(recipe)
            #expect(undone.contains("queued"), "\(undone)")
            #expect(undone.contains("the delayer of \(scope.nftTable) (process"), "\(undone)")
            #expect((try? ProcessTable().find(DelayerProcess.locator(scope))) == nil, "the delayer is gone")
            let after = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080, timeout: 5)
            #expect(after.ok && after.seconds < 0.29, "\(after)")
            // Again: everything is gone already, and saying so is not a failure.
            let again = try await RecipeRunner().run(recipe)
            #expect(again.contains("already gone"), "\(again)")
        }
    }

    @Test func trafficFlowsAsSoonAsTheDelayerDiesAndItEndsItselfWhenTheRunFallsSilent() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080])
            defer { server.stop() }
            // The heartbeat is touched by hand here: fresh before each apply (the checks and the
            // start may take seconds on a loaded machine), then a minute old.
            let launch = try Self.launch(scratch, timeout: .seconds(20))
            let delayer = QueueDelayer(executor: pair.serverExecutor, launch: launch, namespace: pair.server)
            let (delay, scope) = try Self.delay(8080, run: "qd2", delay: .milliseconds(400))
            let (_, engine, _) = try await delayer.check(delay, scope: scope)
            utimes(launch.lifeline.heartbeat, nil)
            _ = try await delayer.apply(delay, scope: scope, engine: engine)
            let pid = try #require(try ProcessTable().find(DelayerProcess.locator(scope)).first)

            // SIGKILL: no verdicts any more, and the rule (still in) lets packets pass by itself.
            kill(pid, SIGKILL)
            #expect(await Scratch.eventually { !ProcessTable().isAlive(pid) })
            let bypassed = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080, timeout: 5)
            #expect(bypassed.ok && bypassed.seconds < 0.39, "\(bypassed)")
            let rules = try await pair.serverExecutor.run(
                engine == .nftables ? ["nft", "list", "ruleset"] : ["iptables", "-w", "-S"], timeout: .seconds(10))
            #expect(rules.stdout.contains("queue") || rules.stdout.contains("NFQUEUE"), "\(rules.stdout)")
            _ = try await RecipeRunner().run(
                RevertRecipe(
                    executor: pair.serverExecutor.name,
                    steps: QueueDelayer.revertSteps(delay, scope: scope, engine: engine)))

            // A heartbeat a minute old: the delayer ends itself at its next look (every 100 ms),
            // well within its 20s timeout.
            utimes(launch.lifeline.heartbeat, nil)
            _ = try await delayer.apply(delay, scope: scope, engine: engine)
            let second = try #require(try ProcessTable().find(DelayerProcess.locator(scope)).first)
            var old = [timeval(tv_sec: time(nil) - 60, tv_usec: 0), timeval(tv_sec: time(nil) - 60, tv_usec: 0)]
            utimes(launch.lifeline.heartbeat, &old)
            #expect(await Scratch.eventually(timeout: .seconds(10)) { !ProcessTable().isAlive(second) })
            let log = try String(contentsOfFile: "\(launch.directory)/\(scope.nftTable).delayer.log", encoding: .utf8)
            #expect(log.contains("stopped (the runner's heartbeat has been silent for"), "\(log)")
            _ = try await RecipeRunner().run(
                RevertRecipe(
                    executor: pair.serverExecutor.name,
                    steps: QueueDelayer.revertSteps(delay, scope: scope, engine: engine)))
        }
    }

    @Test func everyPacketLostIsProvenByConnectsThatGetNoAnswerAndABoundQueueIsPassedOver() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080])
            defer { server.stop() }
            let delayer = QueueDelayer(
                executor: pair.serverExecutor, launch: try Self.launch(scratch), namespace: pair.server)
            let (lossy, scope) = try Self.delay(8080, run: "qd3", delay: .zero, loss: 100)
            let (_, engine, _) = try await delayer.check(lossy, scope: scope)
            let applied = try await delayer.apply(lossy, scope: scope, engine: engine)
            #expect(applied.effect.contains("was answered: its packets are lost"), "\(applied.effect)")
            let lost = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080, timeout: 1)
            #expect(!lost.ok, "\(lost)")
            // Its queue is bound now: a second fault asking for it is given the next free one.
            let other = try FirewallScope(runID: "qd3", slot: 2)
            let (moved, _, said) = try await delayer.check(lossy, scope: other)
            #expect(moved.queue == lossy.queue + 1)
            #expect(
                said.contains("(queue \(lossy.queue) is bound by another program: queue \(lossy.queue + 1) instead)"),
                "\(said)")
            _ = try await RecipeRunner().run(
                RevertRecipe(
                    executor: pair.serverExecutor.name,
                    steps: QueueDelayer.revertSteps(lossy, scope: scope, engine: engine)))
        }
    }
}
