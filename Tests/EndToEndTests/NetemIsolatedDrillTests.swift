import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Synchronization
import Testing

/// The shipped tc netem drill against a lab whose units live in network namespaces, where the kernel
/// has sch_netem, sch_prio and cls_u32 (the VM of `scripts/vm.sh`, which `VirtualMachineTests`
/// boots; elsewhere cancelled with the reason). netem sits on beijing's loopback, and only there,
/// while the drill runs; the drill tells the strong-dependency story; every qdisc is as it was.
@Suite(.serialized) struct NetemIsolatedDrillTests {
    static let drill = "storefront-product-latency-tc"

    /// Cancels the test, with the reason, where the kernel cannot run a port-limited netem.
    static func requireNetem() async throws {
        let support = await TrafficControlSupport.detect()
        guard support.netem, support.prio, support.u32 else {
            try Test.cancel(
                "needs sch_netem, sch_prio and cls_u32 (scripts/vm.sh boots a kernel with them): \(support.problem ?? "")"
            )
        }
    }

    /// The shipped drill with the lab's port of beijing's product (it names the default, 9311).
    static func variant(for lab: TestLab, in directory: String) throws -> String {
        let target = try DrillLoader.loadTarget(path: lab.targetPath)
        let port = try #require(target.unit(named: "beijing")?.service(named: "product")?.port)
        return try DrillRun.variant(
            of: drill, in: directory, replacing: [("match: { port: 9311 }", "match: { port: \(port) }")])
    }

    /// Sends each test user's request through the gateway a few times, answers ignored. Under
    /// emulation a fresh lab's first requests run code none of its processes has run yet and may
    /// take seconds, which the drill's preflight would take for a lab that does not route.
    static func warm(_ lab: TestLab) async {
        for _ in 0..<3 {
            for user in [6000, 50] { _ = try? await lab.gateway("/storefront?userId=\(user)") }
        }
    }

    /// `tc qdisc show dev lo` in `namespace`, or on the host when nil.
    static func loopbackQdiscs(in namespace: String?) -> [String] {
        let show = ["tc", "qdisc", "show", "dev", "lo"]
        return namespace.map { ["ip", "netns", "exec", $0] + show } ?? show
    }

    /// What `argv` prints, failing the test when it cannot.
    static func show(_ argv: [String]) async throws -> String {
        let output = try await ChildProcess.run(["/usr/bin/env"] + argv, timeout: .seconds(30))
        #expect(output.exitCode == 0, "\(output.transcript)")
        return output.stdout
    }

    @Test(
        .enabled(
            if: IsolatedLabTests.canIsolate, "needs root, iproute2 and nftables to run a lab in network namespaces"))
    func theTcDrillDelaysBeijingsProductOnlyAndPutsEveryQdiscBack() async throws {
        try await Self.requireNetem()
        try await TestLab.withLab(isolation: .netns) { lab in
            #expect(lab.isolation == .netns)
            let beijing = try lab.namespace(of: "beijing")
            let hangzhou = try lab.namespace(of: "hangzhou")
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let drill = try Self.variant(for: lab, in: output)
            await Self.warm(lab)

            let plan = try await ChildProcess.run([lab.binary, "plan", drill, "--target", lab.targetPath])
            #expect(plan.exitCode == 0, "\(plan.transcript)")
            #expect(plan.stdout.contains("netem delay 1000ms 100ms"), "\(plan.stdout)")

            let places = [
                "beijing": Self.loopbackQdiscs(in: beijing.name), "hangzhou": Self.loopbackQdiscs(in: hangzhou.name),
                "host": Self.loopbackQdiscs(in: nil),
            ]
            var before: [String: String] = [:]
            for (place, argv) in places { before[place] = try await Self.show(argv) }
            let during = PhaseSnapshot(phase: "observe", places: places)
            let run = try await DrillRun.run(drill, lab: lab, output: output, onStderrLine: { during.take($0, $1) })

            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }
            let fault = try #require(result.faults.first)
            #expect(fault.plan.executor == "netns:\(beijing.name)")
            #expect(fault.effect?.hasPrefix("netem d712: on lo for traffic to port ") == true, "\(fault.effect ?? "")")
            #expect(fault.effect?.hasSuffix(": delay 1000ms 100ms") == true, "\(fault.effect ?? "")")
            #expect(fault.state == .reverted)
            // Slow, not refused: beijing's failures were the storefront giving up on product (503).
            #expect(run.user(6000)?.timeline.contains { $0.status == 503 } == true)
            #expect(run.user(6000)?.servedAfter == "hangzhou")
            #expect(run.user(50)?.failures == 0)

            // While the drill observed, gameday's prio root and netem child were on beijing's loopback only.
            let seen = during.outputs
            #expect(seen["beijing"]?.contains("qdisc prio d711: root") == true, "\(seen)")
            #expect(seen["beijing"]?.contains("qdisc netem d712: parent d711:3") == true, "\(seen)")
            #expect(seen["hangzhou"] == before["hangzhou"], "\(seen)")
            #expect(seen["host"] == before["host"], "\(seen)")
            for (place, argv) in places {
                #expect(try await Self.show(argv) == before[place], "\(place)'s loopback is as it was")
            }
            #expect(LedgerStore(stateDirectory: "\(output)/state").pending().isEmpty)
        }
    }
}

/// What some commands print the moment a run starts a phase (`[+1.234s] == observe`), taken once from
/// the run's own progress line rather than by polling, which would load a slow machine: for
/// `DrillRun.run`'s `onStderrLine`.
final class PhaseSnapshot: Sendable {
    let phase: String
    let places: [String: [String]]
    private let taken = Mutex<[String: String]?>(nil)

    init(phase: String, places: [String: [String]]) {
        self.phase = phase
        self.places = places
    }

    /// Each place's output, empty until the phase started.
    var outputs: [String: String] { taken.withLock { $0 } ?? [:] }

    /// Runs the commands (synchronously: the run goes on meanwhile) on the phase's line, once.
    func take(_ line: String, _ pid: pid_t) {
        guard line.hasSuffix("] == \(phase)"), taken.withLock({ $0 == nil }) else { return }
        let outputs = places.mapValues { TestNamespaces.output($0) }
        taken.withLock { $0 = outputs }
    }
}
