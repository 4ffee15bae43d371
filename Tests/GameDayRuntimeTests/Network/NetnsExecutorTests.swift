import Foundation
import GameDayCore
import GameDayRuntime
import Testing

@Suite struct NetnsExecutorTests {
    @Test func wrapsTheArgvWithoutAShell() throws {
        let namespace = try NamespaceName("beijing")
        #expect(NetnsExecutor(namespace: namespace).name == "netns:beijing")
        #expect(
            NetnsExecutor.wrap(["tc", "qdisc", "show"], in: namespace) == [
                "ip", "netns", "exec", "beijing", "tc", "qdisc", "show",
            ])
    }

    @Test(.tags(.netns), .enabled(if: NamespacePair.isAvailable, NamespacePair.unavailableReason))
    func runsInsideTheNamespaceAndTimesOutTheWholeGroup() async throws {
        try await NamespacePair.with { pair in
            let executor = pair.serverExecutor
            let addresses = try await executor.run(
                ["ip", "-o", "-4", "addr", "show", "dev", pair.serverInterface.name], timeout: .seconds(10))
            #expect(addresses.exitCode == 0)
            #expect(addresses.stdout.contains("\(NamespacePair.serverAddress)/30"))
            // The client's interface lives in the other namespace: not visible here.
            #expect(
                try await executor.run(["ip", "link", "show", pair.clientInterface.name], timeout: .seconds(10))
                    .exitCode != 0)

            // What the timeout guarantees is that the command and what it started were killed, not how soon.
            let scratch = try Scratch()
            defer { scratch.cleanUp() }
            let pidFile = scratch.path("sleep.pid")
            // Long enough for the shell to have written the pid on a loaded machine.
            let slow = try await executor.run(
                ["sh", "-c", "sleep 30 & echo $! > \(pidFile); wait"], timeout: .seconds(3))
            #expect(slow.timedOut)
            let pid = try #require(
                Int32(
                    try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                ))
            #expect(await Scratch.eventually { !ProcessTable().isAlive(pid) }, "the sleep \(pid) is still running")
        }
    }
}
