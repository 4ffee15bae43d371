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

            let start = ContinuousClock.now
            let slow = try await executor.run(["sh", "-c", "sleep 30 & wait"], timeout: .milliseconds(300))
            #expect(slow.timedOut)
            #expect(ContinuousClock.now - start < .seconds(10))
        }
    }
}
