import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The two case studies, run by the built binary against a real lab on free ports.
@Suite(.serialized) struct StorefrontDrillTests {
    @Test func theStrongDependencyDrillPassesAndAgreesWithTheControlPlanesLog() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let productBefore = try #require(try lab.pid(of: "beijing-product"))

            let run = try await DrillRun.run(
                DrillRun.shipped("storefront-strong-dependency"), lab: lab, output: output, extra: ["--raw-samples"])
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .pass)
            #expect(result.schemaVersion == RunResult.schemaVersion)

            // Every sample the report folded is in the raw file, one JSON object per line.
            #expect(result.archive?.rawSamples == "samples.ndjson")
            let directory = try #require(run.resultPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent() })
            let raw = try String(contentsOf: directory.appendingPathComponent("samples.ndjson"), encoding: .utf8)
            let lines = raw.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let probes = lines.filter { $0["seq"] != nil }
            #expect(probes.count == result.users.reduce(0) { $0 + $1.samples })
            #expect(probes.allSatisfy { $0["connect_ms"] is Double && $0["total_ms"] is Double })
            // Groups: each listed user is its own group, with timings per phase.
            #expect(result.groups.map(\.name).sorted() == ["beijing-user", "hangzhou-user"])
            let hurt = try #require(result.groups.first { $0.name == "beijing-user" })
            #expect(hurt.rto?.measuredMs == result.rto?.measuredMs)
            #expect(hurt.timings.contains { $0.phase == .observe && $0.timings.failed > 0 })
            #expect(hurt.buckets.contains { $0.units["hangzhou"] != nil })
            #expect(
                result.verdicts.map(\.name) == [
                    "preflight", "steady_state", "faults_applied", "impact", "blast_radius", "cutover", "cutover_seen",
                    "recovery",
                    "rollback",
                ])
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }
            #expect(run.resultPath?.hasPrefix("\(output)/storefront-strong-dependency/") == true)
            #expect(run.output.stdout.contains("storefront-strong-dependency against lab: PASS (exit 0)"))

            // 6000 was hurt, then served by hangzhou; 50 never failed.
            let impacted = try #require(run.user(6000))
            #expect(impacted.impacted)
            #expect(impacted.servedBefore == "beijing")
            #expect(impacted.servedAfter == "hangzhou")
            #expect(impacted.timeline.contains { !$0.ok && $0.status == 503 && $0.unit == "beijing" })
            #expect(impacted.timeline.contains { $0.ok && $0.unit == "hangzhou" })
            let bystander = try #require(run.user(50))
            #expect(bystander.failures == 0)
            #expect(bystander.timeline.allSatisfy { $0.ok && $0.unit == "hangzhou" })

            // The product process was really killed and really restarted.
            let fault = try #require(result.faults.first)
            #expect(fault.pids == [productBefore])
            #expect(fault.state == .reverted)
            let productAfter = try #require(try lab.pid(of: "beijing-product"))
            #expect(productAfter != productBefore)
            #expect(ProcessTable().isAlive(productAfter))
            #expect(!ProcessTable().isAlive(productBefore))

            // The measurement agrees with the control plane's ground truth.
            let truth = try lab.groundTruth()
            func phase(_ id: String, _ name: String) throws -> Double {
                try #require(
                    truth.first { $0.cutover == id && $0.phase == name }?.unixMilliseconds,
                    "no \(name) for \(id) in \(truth)")
            }
            let cutoverID = try #require(result.cutover?.id)
            let timeline = result.timeline
            let sent = try #require(timeline.cutoverStart.flatMap { unixMilliseconds($0.at) })
            let seenDone = try #require(timeline.cutoverDone.flatMap { unixMilliseconds($0.at) })
            let recovered = try #require(timeline.recovered.flatMap { unixMilliseconds($0.at) })
            let faultAt = try #require(timeline.fault.flatMap { unixMilliseconds($0.at) })
            // The bound: the measured recovery is within one probe interval plus 10 ms of the
            // control plane's switch (both clocks are this machine's wall clock).
            let slack = 10.0
            #expect(sent <= (try phase(cutoverID, "accepted")) + 2)
            #expect(try phase(cutoverID, "done") <= seenDone + 2)
            let switched = try phase(cutoverID, "switch")
            #expect(recovered >= switched - slack, "recovered \(recovered) long before the switch \(switched)")
            #expect(
                recovered <= switched + result.probeIntervalMs + slack,
                "recovered \(recovered) long after the switch \(switched)")
            let rto = try #require(result.rto?.measuredMs)
            #expect(abs(rto - (recovered - faultAt)) <= 2)
            #expect(rto <= 5000)
            // The breakdown adds up to the RTO.
            let parts = [result.rto?.detectMs, result.rto?.decideMs, result.rto?.switchMs, result.rto?.convergeMs]
                .compactMap { $0 }
            #expect(parts.count == 4)
            #expect(abs(parts.reduce(0, +) - rto) < 0.01)

            // The fault's moment against the lab's own record of product's death (services.jsonl).
            let died = try #require(
                try await lab.serviceEvent {
                    $0.service == "beijing-product" && $0.pid == productBefore && $0.event == .exited
                },
                "the lab never logged product's exit")
            let moment = try FaultMomentCheck(result: result, truth: died.unixMilliseconds)
            moment.expectAgreement()
            // The detect moment: the first probe sent after the death failed, so detect − fault is at
            // most the death's delay, one interval, and that probe's own lateness against its slot.
            let detect = try #require(result.timeline.detect?.ms)
            let lag = try #require(
                probes.first { ($0["user"] as? String) == "6000" && ($0["sent_ms"] as? Double) == detect }?["lag_ms"]
                    as? Double)
            let detected = detect - (try #require(timeline.fault?.ms))
            print("detect − fault: \(detected) ms (interval \(result.probeIntervalMs) ms, that probe \(lag) ms late)")
            #expect(detected >= 0)
            #expect(detected <= (moment.truth - moment.fault) + result.probeIntervalMs + lag + 1)
            // The bound, on every run: detect − fault ≤ one probe interval + 20 ms (bench/RESULTS.md:
            // 1.1–85.3 ms over 20 runs at 100 ms). What it leaves for lateness: the kill, the death's
            // delay and the probe's lag together within 20 ms.
            #expect(
                detected <= result.probeIntervalMs + 20,
                "detect − fault \(detected) ms: the effect \(moment.truth - moment.fault) ms after the moment, the probe \(lag) ms late"
            )

            // The rollback cut the routing back: 6000 is beijing's again.
            #expect(result.cutback?.succeeded == true)
            let after = try await lab.gateway("/storefront?userId=6000")
            #expect(after.header("X-Unit") == "beijing")
            #expect(after.status == 200)
        }
    }

    @Test func theWeakDependencyDrillPassesWithNobodyFailing() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let cartBefore = try #require(try lab.pid(of: "beijing-cart"))
            let run = try await DrillRun.run(DrillRun.shipped("storefront-weak-dependency"), lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result)
            #expect(result.outcome == .pass)
            #expect(
                result.verdicts.map(\.name) == [
                    "preflight", "steady_state", "faults_applied", "blast_radius", "rollback",
                ])
            #expect(run.verdict("blast_radius")?.message == "user 6000, user 50 never failed")
            #expect(run.user(6000)?.failures == 0)
            #expect(run.user(6000)?.samplesDuringFault ?? 0 >= 10)
            #expect(run.user(50)?.failures == 0)
            #expect(result.faults.first?.pids == [cartBefore])
            #expect(!ProcessTable().isAlive(cartBefore))
            #expect(try lab.pid(of: "beijing-cart").map(ProcessTable().isAlive) == true)
            #expect(result.cutover == nil)
            #expect(result.rto == nil)
        }
    }

    @Test func anRTOThatCannotBeMetFailsWithExitCode1AndSaysWhy() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            // Observing alone takes a second, so a 300ms RTO cannot be met.
            let drill = try DrillRun.variant(
                of: "storefront-strong-dependency", in: output, replacing: [("rto: 5s", "rto: 300ms")])
            let run = try await DrillRun.run(drill, lab: lab, output: output)
            #expect(run.output.exitCode == 1, "\(run.output.transcript)")
            let result = try #require(run.result)
            #expect(result.outcome == .fail)
            #expect(result.exitCode == 1)
            let recovery = try #require(run.verdict("recovery"))
            #expect(recovery.status == .fail)
            #expect(recovery.message.contains("against a goal of 300ms: the goal was missed by"))
            #expect(result.rto?.met == false)
            #expect((result.rto?.measuredMs ?? 0) > 300)
            #expect(run.output.stdout.contains("FAIL  recovery"))
            #expect(run.output.stdout.contains("why: recovery: RTO"))
            // Everything else still held, and the fault was reverted.
            #expect(run.verdict("rollback")?.status == .pass)
            #expect(run.verdict("blast_radius")?.status == .pass)
            #expect(try lab.pid(of: "beijing-product").map(ProcessTable().isAlive) == true)
        }
    }

    @Test func aPausedCartIsAWeakDependencyTooAndResumesAfterwards() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let cart = try #require(try lab.pid(of: "beijing-cart"))
            let run = try await DrillRun.run(DrillRun.shipped("storefront-cart-paused"), lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result)
            #expect(result.faults.first?.effect == "SIGSTOP sent to \(cart); stopped")
            #expect(result.faults.first?.revert == "SIGCONT sent to \(cart)")
            #expect(run.user(6000)?.failures == 0)
            // The fault's moment against the lab's own record of the cart stopping (services.jsonl).
            let stopped = try #require(
                try await lab.serviceEvent { $0.service == "beijing-cart" && $0.pid == cart && $0.event == .stopped },
                "the lab never logged the cart stopping")
            try FaultMomentCheck(result: result, truth: stopped.unixMilliseconds).expectAgreement()
            // The same process, running again: a pause is undone, not replaced.
            #expect(try lab.pid(of: "beijing-cart") == cart)
            #expect(ProcessTable().state(of: cart) != "T")
            #expect(ProcessTable().isAlive(cart))
        }
    }

    @Test func aRangeCutOverWithGeneratedUsersMovesEveryBeijingUser() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let run = try await DrillRun.run(DrillRun.shipped("storefront-range-cutover"), lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result)
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }
            let beijing = result.users.filter { $0.home == "beijing" }
            let hangzhou = result.users.filter { $0.home == "hangzhou" }
            #expect(beijing.count == 10)
            #expect(hangzhou.count == 10)
            #expect(beijing.allSatisfy { $0.impacted && $0.servedAfter == "hangzhou" && $0.recoveredMs != nil })
            #expect(hangzhou.allSatisfy { $0.failures == 0 })
            #expect(Set(result.users.map(\.id)).count == 20)
        }
    }
}

/// The fault's moment (`timeline.fault`: stamped immediately before the effecting action) against
/// the instant the lab's supervisor logged the effect (a death, a stop), both this machine's wall clock.
struct FaultMomentCheck {
    /// The moment, as Unix milliseconds.
    var fault: Double
    /// How long the effecting action took (the `kill` spawned and run).
    var effect: Double
    /// When the lab logged the effect, as Unix milliseconds.
    var truth: Double

    init(result: RunResult, truth: Double) throws {
        fault = try #require(result.timeline.fault?.unixMs, "the result has no fault moment")
        effect = try #require(result.faults.first?.effectMs, "the fault has no effect_ms")
        self.truth = truth
    }

    /// What is guaranteed: the moment comes before the effect, which the lab logs once the signal
    /// (sent within `effect_ms` of the moment: the `kill` spawned and run) is delivered and its
    /// supervisor woken. The audit measured the effect 3.9 ms after the moment with a kill of 5 ms,
    /// and bench/RESULTS.md the supervisor's wake-up at 0.5 ms after the kill on an idle machine. So
    /// the bound is the kill's own time (what it took on this run, however loaded) plus 50 ms: the
    /// supervisor's wake-up on a loaded two-core CI machine, which an idle one never needs (CI runs
    /// logged the effect 1.4–10.9 ms after the moment, and once 25.9 ms with a kill of 4.6 ms, while
    /// the whole suite ran). What the bound is for: stamped before the preparation (lookups, guards,
    /// the ledger, the watchdog), as it once was, the moment came 100–500 ms early.
    static let wakeUpSlack = 50.0

    func expectAgreement(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        print(String(format: "fault moment → the lab's record: %.3f ms (its kill took %.3f ms)", truth - fault, effect))
        #expect(truth >= fault - 0.002, "the lab logged the effect before the moment", sourceLocation: sourceLocation)
        #expect(
            truth - fault <= effect + Self.wakeUpSlack,
            "the lab logged the effect \(truth - fault) ms after the moment, its kill taking \(effect) ms",
            sourceLocation: sourceLocation)
    }
}
