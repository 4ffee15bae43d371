import Foundation
import GameDayCore
import GameDayTestSupport
import Synchronization
import Testing

/// The blocked-port drill against a lab whose units live in their own network namespaces
/// (`lab up --isolation netns`): the nftables table exists in beijing's namespace only, and in
/// none once the run is over.
@Suite(.serialized) struct IsolatedLabTests {
    static let ip = installed("/usr/sbin/ip", "/sbin/ip")
    static let nft = installed("/usr/sbin/nft", "/sbin/nft")

    static var canIsolate: Bool { getuid() == 0 && ip != nil && nft != nil }

    @Test(.enabled(if: canIsolate, "needs root, iproute2 and nftables to run a lab in network namespaces"))
    func theBlockedProductPortDrillFirewallsBeijingsNamespaceOnly() async throws {
        let ip = try #require(Self.ip)
        let nft = try #require(Self.nft)
        try await TestLab.withLab(isolation: .netns) { lab in
            #expect(lab.isolation == .netns)
            let beijing = try lab.namespace(of: "beijing")
            let hangzhou = try lab.namespace(of: "hangzhou")
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }

            // Where a table shows up while the drill runs: each namespace, and the host.
            let places = [
                "beijing": [ip, "netns", "exec", beijing.name, nft, "list", "tables"],
                "hangzhou": [ip, "netns", "exec", hangzhou.name, nft, "list", "tables"],
                "host": [nft, "list", "tables"],
            ]
            let stop = StopSignal()
            async let seen = Self.tables(in: places, until: stop)
            // A longer observe phase (and the RTO goal moved by as much) keeps the table up for a
            // few seconds, long enough for the watchers to see it on a loaded machine.
            let drill = try DrillRun.variant(
                of: "storefront-product-blocked", in: output,
                replacing: [("observe:\n  duration: 1s", "observe:\n  duration: 3s"), ("rto: 5s", "rto: 10s")])
            let run = try await DrillRun.run(drill, lab: lab, output: output)
            stop.raise()
            let tables = await seen

            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }
            let fault = try #require(result.faults.first)
            #expect(fault.plan.executor == "netns:\(beijing.name)")
            #expect(fault.state == .reverted)
            #expect(run.user(50)?.failures == 0)

            let ours = "gameday_\(result.runId)"
            #expect(tables["beijing", default: []].contains { $0.contains(ours) }, "\(ours): \(tables)")
            #expect(!tables["hangzhou", default: []].contains { $0.contains(ours) }, "\(ours): \(tables)")
            // The host may show other tests' tables (they run side by side), never this run's.
            #expect(!tables["host", default: []].contains { $0.contains(ours) }, "\(ours): \(tables)")
            for namespace in [beijing, hangzhou] {
                let left = try await ChildProcess.run([ip, "netns", "exec", namespace.name, nft, "list", "tables"])
                #expect(left.exitCode == 0, "\(left.transcript)")
                #expect(!left.stdout.contains("gameday_"), "\(namespace.name): \(left.stdout)")
            }
        }
    }

    /// The first of `paths` that is an executable file.
    static func installed(_ paths: String...) -> String? { paths.first { access($0, X_OK) == 0 } }

    /// Every `table ...` line each place lists, polled side by side (one slow `ip netns exec`
    /// must not hide a table elsewhere) until `stop` is raised.
    static func tables(in places: [String: [String]], until stop: StopSignal) async -> [String: Set<String>] {
        await withTaskGroup(of: (String, Set<String>).self) { group in
            for (place, argv) in places {
                group.addTask {
                    var seen: Set<String> = []
                    while !stop.isRaised, !Task.isCancelled {
                        if let listed = try? await ChildProcess.run(argv, timeout: .seconds(5)) {
                            seen.formUnion(
                                listed.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("table ") })
                        }
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    return (place, seen)
                }
            }
            var seen: [String: Set<String>] = [:]
            for await (place, tables) in group { seen[place] = tables }
            return seen
        }
    }
}

/// A one-way flag shared between the test and its watcher.
final class StopSignal: Sendable {
    private let raised = Mutex(false)

    func raise() { raised.withLock { $0 = true } }

    var isRaised: Bool { raised.withLock { $0 } }
}
