import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Synchronization
import Testing

/// Runners killed at random moments: whatever the moment, every fault comes undone —
/// by the watchdog or `gameday recover` after SIGKILL, by the runner itself after SIGINT.
@Suite(.serialized) struct KilledRunnerTests {
    /// Starts `gameday run` on a shipped drill (the strong-dependency one unless told), or the drill
    /// file at `drillPath`, in the background; returns its pid and a task for its output.
    static func start(
        lab: TestLab, state: String, output: String, watchdogTimeout: String,
        drill: String = "storefront-strong-dependency", drillPath: String? = nil
    ) async throws -> (pid: Int32, run: Task<ChildProcess.Output, any Error>) {
        let marker = "\(output)/\(UUID().uuidString.prefix(8))"
        let run = Task {
            try await ChildProcess.run(
                [
                    lab.binary, "run", drillPath ?? DrillRun.shipped(drill), "--target", lab.targetPath,
                    "--state-dir", state, "--output", marker, "--watchdog-timeout", watchdogTimeout, "--quiet",
                ], timeout: .seconds(120))
        }
        let table = ProcessTable()
        for _ in 0..<200 {
            if let pid = try? table.find(.commandLine("--output \(marker)")).first { return (pid, run) }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the runner never started")
        return (0, run)
    }

    /// The lab is as it was before the drill: product up and running (not stopped), 6000 on beijing, healthy.
    static func expectPristine(_ lab: TestLab, state: String, _ context: String) async throws {
        let table = ProcessTable()
        for service in lab.services {
            let pid = try #require(try lab.pid(of: service.name), "\(context): \(service.name) has no pid file")
            #expect(table.isAlive(pid), "\(context): \(service.name) is not running")
            #expect(table.state(of: pid) != "T", "\(context): \(service.name) is stopped")
        }
        let response = try await lab.gateway("/storefront?userId=6000")
        #expect(response.status == 200, "\(context): 6000 gets \(response.status)")
        #expect(
            response.header("X-Unit") == "beijing", "\(context): 6000 is served by \(response.header("X-Unit") ?? "-")")
        #expect(LedgerStore(stateDirectory: state).pending().isEmpty, "\(context): the ledger still holds faults")
    }

    /// Every watchdog's log, for a failure message.
    static func watchdogLogs(_ state: String) -> String {
        let files = FileManager.default.enumerator(atPath: state)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".watchdog.log") }.sorted().map { file in
            "--- \(file)\n" + ((try? String(contentsOfFile: "\(state)/\(file)", encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
    }

    /// A runner killed with SIGKILL leaves its lock file in the machine's lock directory (the
    /// kernel drops the lock, not the file): `gameday status` removes it as it looks.
    static func expectNoLockLeft(_ lab: TestLab, state: String) async throws {
        // Only this lab's target: other tests may be drilling theirs on this machine meanwhile.
        let status = try await ChildProcess.run([
            lab.binary, "status", "--state-dir", state, "--target", lab.targetPath,
        ])
        #expect(!status.stdout.contains("a drill is running"), "\(status.stdout)")
        let identity = TargetIdentity(try DrillLoader.loadTarget(path: lab.targetPath))
        let lockFile = "\(try LockDirectory.current().path)/\(identity.lockFileName)"
        #expect(!FileManager.default.fileExists(atPath: lockFile), "\(lockFile) is left")
    }

    /// The heartbeat files under `state/runs/`.
    static func heartbeats(_ state: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(state)/runs")) ?? []).filter {
            $0.hasSuffix(".heartbeat")
        }
    }

    static func waitUntilNothingPending(_ state: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if LedgerStore(stateDirectory: state).pending().isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return LedgerStore(stateDirectory: state).pending().isEmpty
    }

    @Test func twentyRunsKilledWithSIGKILLAreRevertedByTheWatchdogOrRecover() async throws {
        try await TestLab.withLab { lab in
            let scratch = try TestLab.makeTemporaryDirectory(prefix: "gameday-killed")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let state = "\(scratch)/state"
            var generator = SystemRandomNumberGenerator()
            for round in 1...20 {
                // Every fourth run relies on `gameday recover` instead of the watchdog.
                let byRecover = round % 4 == 0
                let delay = Int.random(in: 100...3_500, using: &generator)
                let context = "round \(round) (SIGKILL after \(delay)ms, \(byRecover ? "recover" : "watchdog"))"
                let (pid, run) = try await Self.start(
                    lab: lab, state: state, output: scratch, watchdogTimeout: byRecover ? "5m" : "1s")
                try await Task.sleep(for: .milliseconds(delay))
                kill(pid, SIGKILL)
                _ = try await run.value
                if byRecover {
                    let recover = try await ChildProcess.run([
                        lab.binary, "recover", "--state-dir", state, "--target", lab.targetPath,
                    ])
                    #expect(recover.exitCode == 0, "\(context): \(recover.transcript)")
                    let again = try await ChildProcess.run([lab.binary, "recover", "--state-dir", state])
                    #expect(again.stdout == "nothing to recover\n", "\(context): recover is not idempotent")
                } else {
                    let reverted = await Self.waitUntilNothingPending(state, timeout: .seconds(15))
                    #expect(reverted, "\(context): the watchdog did not revert:\n\(Self.watchdogLogs(state))")
                }
                try await Self.expectPristine(lab, state: state, context)
                // On this lab's target only: other tests run drills on their own labs meanwhile, and
                // `status` without --target lists every drill running on the machine.
                let status = try await ChildProcess.run([
                    lab.binary, "status", "--state-dir", state, "--target", lab.targetPath,
                ])
                #expect(status.exitCode == 0, "\(context): \(status.transcript)")
                // Each run removed the heartbeats of the killed runs before it: only this one's is left.
                #expect(Self.heartbeats(state).count <= 1, "\(context): \(Self.heartbeats(state))")
            }
            // And recover removes the last.
            let recover = try await ChildProcess.run([lab.binary, "recover", "--state-dir", state])
            #expect(recover.exitCode == 0, "\(recover.transcript)")
            #expect(Self.heartbeats(state).isEmpty, "\(Self.heartbeats(state))")
            try await Self.expectNoLockLeft(lab, state: state)
            // Every watchdog has exited once its entry was reverted.
            try await Task.sleep(for: .seconds(1))
            #expect((try? ProcessTable().find(.commandLine("watchdog --state-dir \(state)"))) == nil)
        }
    }

    /// The phases a run prints (`[+1.234s] == observe`), in order.
    static let phaseLines = [
        "preflight", "steady-state", "inject", "observe", "cutover", "recovery", "rollback", "verify-rollback",
    ]

    /// Twenty runs, each interrupted by SIGINT or SIGTERM when a phase starts (every phase in turn,
    /// a random moment into it), driven by the run's own progress lines rather than by sleeps.
    /// Whatever the phase: exit 4, an aborted result whose cut-short verdicts are not reached (never
    /// FAIL), and everything reverted by the runner itself.
    @Test func twentyRunsInterruptedInEveryPhaseAreAbortedAndRevertEverythingThemselves() async throws {
        try await TestLab.withLab { lab in
            let scratch = try TestLab.makeTemporaryDirectory(prefix: "gameday-interrupted")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let state = "\(scratch)/state"
            for round in 0..<20 {
                let phase = Self.phaseLines[round % Self.phaseLines.count]
                let signal = round % 2 == 0 ? SIGINT : SIGTERM
                let delay = Int.random(in: 0...150)
                let context = "round \(round + 1) (\(signal == SIGINT ? "SIGINT" : "SIGTERM") \(delay)ms into \(phase))"
                let sent = SentOnce()
                // A long watchdog timeout: whatever is reverted here, the runner did it.
                let run = try await DrillRun.run(
                    DrillRun.shipped("storefront-strong-dependency"), lab: lab, output: scratch,
                    extra: ["--watchdog-timeout", "5m"],
                    onStderrLine: DrillRun.signal(signal, when: phase, after: .milliseconds(delay), sent: sent))
                let output = run.output
                #expect(sent.happened, "\(context): the phase never started: \(output.transcript)")
                #expect(output.exitCode == 4, "\(context): \(output.transcript)")
                #expect(output.stderr.contains(": stopping the drill and reverting every fault…"), "\(context)")
                let result = try #require(run.result, "\(context): no result: \(output.transcript)")
                #expect(result.outcome == .aborted && result.exitCode == 4, "\(context): \(result.reason ?? "")")
                #expect(result.interruptedMs != nil, "\(context)")
                // Only a failure that happened may fail a verdict; these wait for evidence an interrupt cuts short.
                for verdict in result.verdicts
                where ["impact", "cutover", "cutover_seen", "recovery"].contains(verdict.name) {
                    #expect(verdict.status != .fail, "\(context): \(verdict)")
                }
                let entries = LedgerStore(stateDirectory: state).all()
                #expect(
                    entries.allSatisfy { $0.state == .reverted && $0.note?.hasPrefix("the watchdog") != true },
                    "\(context): \(entries.map(\.summary))")
                try await Self.expectPristine(lab, state: state, context)
            }
        }
    }

    /// Once a run has printed its first line, an interrupt is the run's to handle: exit 4, whether
    /// it arrives before the runner started or while it prepares, and nothing is left.
    @Test func anInterruptAsSoonAsTheFirstLineIsPrintedExitsFour() async throws {
        try await TestLab.withLab { lab in
            let scratch = try TestLab.makeTemporaryDirectory(prefix: "gameday-first-line")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let state = "\(scratch)/state"
            for signal in [SIGINT, SIGTERM] {
                let output = try await DrillRun.run(
                    DrillRun.shipped("storefront-strong-dependency"), lab: lab, output: scratch,
                    extra: ["--watchdog-timeout", "5m"],
                    onStderrLine: DrillRun.signal(signal, when: "*", sent: SentOnce())
                ).output
                #expect(output.exitCode == 4, "signal \(signal): \(output.transcript)")
                try await Self.expectPristine(lab, state: state, "signal \(signal)")
            }
        }
    }

    @Test func aRunRefusesToStartOverFaultsLeftByAnEarlierOneAndWhileAnotherRuns() async throws {
        try await TestLab.withLab { lab in
            let scratch = try TestLab.makeTemporaryDirectory(prefix: "gameday-refused")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let state = "\(scratch)/state"
            // A run killed once product is down, with a watchdog too patient to help.
            let product = try #require(try lab.pid(of: "beijing-product"))
            let (pid, run) = try await Self.start(lab: lab, state: state, output: scratch, watchdogTimeout: "5m")
            for _ in 0..<300 where ProcessTable().isAlive(product) { try await Task.sleep(for: .milliseconds(20)) }
            // While it runs, a second drill against the same target is refused.
            let second = try await ChildProcess.run(
                [
                    lab.binary, "run", DrillRun.shipped("storefront-weak-dependency"), "--target", lab.targetPath,
                    "--state-dir", state, "--output", scratch,
                ])
            #expect(second.exitCode == 3, "\(second.transcript)")
            #expect(second.stderr.contains("another drill is running against target lab: run "), "\(second.stderr)")
            kill(pid, SIGKILL)
            _ = try await run.value

            let refused = try await ChildProcess.run(
                [
                    lab.binary, "run", DrillRun.shipped("storefront-weak-dependency"), "--target", lab.targetPath,
                    "--state-dir", state, "--output", scratch,
                ])
            #expect(refused.exitCode == 3, "\(refused.transcript)")
            #expect(refused.stderr.contains("earlier runs on target lab left "), "\(refused.stderr)")
            #expect(refused.stderr.contains("  fault product-down (beijing) of run "), "\(refused.stderr)")
            #expect(
                refused.stderr.contains(
                    "run 'gameday recover --target \(lab.targetPath) --state-dir \(state)' to revert them"),
                "\(refused.stderr)")
            let status = try await ChildProcess.run([
                lab.binary, "status", "--state-dir", state, "--target", lab.targetPath,
            ])
            #expect(status.exitCode == 1)
            #expect(status.stdout.contains("product-down (beijing) of run"))
            let json = try await ChildProcess.run([lab.binary, "status", "--state-dir", state, "--json"])
            #expect(json.exitCode == 1)
            let entries = try JSONDecoder().decode(StatusReport.self, from: Data(json.stdout.utf8)).pending
            #expect(entries.map(\.what).contains("product-down"), "\(json.stdout)")
            #expect(entries.allSatisfy { $0.target == "lab" && $0.isPending })

            let recover = try await ChildProcess.run([lab.binary, "recover", "--state-dir", state, "--target", "lab"])
            #expect(recover.exitCode == 0, "\(recover.transcript)")
            #expect(recover.stdout.contains("reverted product-down (beijing) of run"))
            try await Self.expectPristine(lab, state: state, "after recover")
            let again = try await ChildProcess.run(
                [
                    lab.binary, "run", DrillRun.shipped("storefront-weak-dependency"), "--target", lab.targetPath,
                    "--state-dir", state, "--output", scratch,
                ])
            #expect(again.exitCode == 0, "\(again.transcript)")
        }
    }

    @Test(.enabled(if: NetworkDrillTests.canUseFirewall, "needs root and nftables or iptables"))
    func networkAndProxyFaultsOfKilledRunsAreRevertedByTheirWatchdogs() async throws {
        try await TestLab.withLab { lab in
            let scratch = try TestLab.makeTemporaryDirectory(prefix: "gameday-killed-net")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let state = "\(scratch)/state"
            let target = try DrillLoader.loadTarget(path: lab.targetPath)
            let proxyURL = try #require(target.unit(named: "beijing")?.proxyURL)
            for round in 1...8 {
                let drill = round % 2 == 0 ? "storefront-product-latency" : "storefront-product-blocked"
                let delay = Int.random(in: 800...3_000)
                let context = "round \(round) (\(drill), SIGKILL after \(delay)ms)"
                let (pid, run) = try await Self.start(
                    lab: lab, state: state, output: scratch, watchdogTimeout: "1s", drill: drill)
                try await Task.sleep(for: .milliseconds(delay))
                kill(pid, SIGKILL)
                _ = try await run.value
                let reverted = await Self.waitUntilNothingPending(state, timeout: .seconds(15))
                #expect(reverted, "\(context): the watchdog did not revert:\n\(Self.watchdogLogs(state))")
                let tables = try await ChildProcess.run(["/usr/sbin/nft", "list", "tables"])
                // Only this test's runs: another program may hold gameday tables of its own meanwhile.
                for runID in Set(LedgerStore(stateDirectory: state).all().map(\.runId)) {
                    #expect(!tables.stdout.contains("gameday_\(runID)"), "\(context): \(tables.stdout)")
                }
                let proxies = try await ToxiproxyClient(url: proxyURL).proxies()
                #expect(proxies.values.allSatisfy { $0.toxics.isEmpty && $0.enabled }, "\(context): \(proxies)")
                try await Self.expectPristine(lab, state: state, context)
            }
            try await Self.expectNoLockLeft(lab, state: state)
        }
    }

    /// The tc netem drill (a prio root, netem and u32 filters on beijing's loopback, in its
    /// namespace) killed once its fault is applied: the watchdog puts the qdiscs back as they were.
    /// Runs where the kernel has netem (the VM of `scripts/vm.sh`); elsewhere cancelled with the reason.
    @Test(
        .enabled(
            if: IsolatedLabTests.canIsolate, "needs root, iproute2 and nftables to run a lab in network namespaces"))
    func aTcNetemFaultOfAKilledRunIsRevertedByItsWatchdog() async throws {
        try await NetemIsolatedDrillTests.requireNetem()
        try await TestLab.withLab(isolation: .netns) { lab in
            let scratch = try TestLab.makeTemporaryDirectory(prefix: "gameday-killed-tc")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let state = "\(scratch)/state"
            let beijing = try lab.namespace(of: "beijing")
            let loopback = NetemIsolatedDrillTests.loopbackQdiscs(in: beijing.name)
            let before = try await NetemIsolatedDrillTests.show(loopback)
            let drill = try NetemIsolatedDrillTests.variant(for: lab, in: scratch)
            await NetemIsolatedDrillTests.warm(lab)
            // Killed once the fault is applied: the ledger says so, and netem is on the loopback.
            // Under emulation a run may end before that (its steady state seen unhealthy by a slow
            // guest): that run tests nothing here, so another is started, three in all at most.
            let table = ProcessTable()
            func applied() -> Bool {
                LedgerStore(stateDirectory: state).all().contains { $0.what == "product-netem" && $0.state == .applied }
            }
            var started: (pid: Int32, run: Task<ChildProcess.Output, any Error>)?
            var endings: [String] = []
            for _ in 1...3 {
                let (pid, run) = try await Self.start(
                    lab: lab, state: state, output: scratch, watchdogTimeout: "1s", drillPath: drill)
                while !applied(), table.isAlive(pid) { try await Task.sleep(for: .milliseconds(100)) }
                if applied() {
                    started = (pid, run)
                    break
                }
                kill(pid, SIGKILL)
                endings.append(try await run.value.transcript)
            }
            guard let (pid, run) = started else {
                Issue.record("three runs ended before their fault was applied: \(endings.joined(separator: "\n---\n"))")
                return
            }
            let during = try await NetemIsolatedDrillTests.show(loopback)
            #expect(during.contains("qdisc netem d712: parent d711:3"), "\(during)")
            kill(pid, SIGKILL)
            _ = try await run.value

            // The watchdog notices the heartbeat stopped 1s after the kill; slack for a slow VM.
            let reverted = await Self.waitUntilNothingPending(state, timeout: .seconds(60))
            #expect(reverted, "the watchdog did not revert:\n\(Self.watchdogLogs(state))")
            #expect(try await NetemIsolatedDrillTests.show(loopback) == before, "beijing's loopback is as it was")
            let notes = LedgerStore(stateDirectory: state).all().filter { $0.what == "product-netem" }.map(\.note)
            #expect(notes.allSatisfy { $0?.hasPrefix("the watchdog") == true }, "\(notes)")
            try await Self.expectPristine(lab, state: state, "after the watchdog")
            try await Self.expectNoLockLeft(lab, state: state)
        }
    }
}
