import Foundation
import GameDayRuntime

/// Two network namespaces joined by a veth pair, for the bandwidth fault: `gameday-bench-<id>-c`
/// holds 10.232.0.1/30 on `gd<id>c`, `gameday-bench-<id>-s` 10.232.0.2/30 on `gd<id>s`.
/// Deleting the namespaces removes the veth and any qdisc on it.
struct BenchNamespaces: Sendable {
    let client: NamespaceName
    let server: NamespaceName
    let clientInterface: InterfaceName
    let serverInterface: InterfaceName

    /// Creates the pair, runs `body`, and deletes both namespaces whether `body` throws or not.
    static func with<T: Sendable>(runID: String, _ body: (BenchNamespaces) async throws -> T) async throws -> T {
        let pair = BenchNamespaces(
            client: try NamespaceName("gameday-bench-\(runID)-c"),
            server: try NamespaceName("gameday-bench-\(runID)-s"),
            clientInterface: try InterfaceName("gd\(runID)c"), serverInterface: try InterfaceName("gd\(runID)s"))
        let result: Result<T, any Error>
        do {
            try await pair.create()
            result = .success(try await body(pair))
        } catch {
            result = .failure(error)
        }
        await pair.destroy()
        return try result.get()
    }

    private func create() async throws {
        let (c, s) = (client.name, server.name)
        let (ci, si) = (clientInterface.name, serverInterface.name)
        for command in [
            ["ip", "netns", "add", c], ["ip", "netns", "add", s],
            ["ip", "link", "add", ci, "netns", c, "type", "veth", "peer", "name", si, "netns", s],
            ["ip", "-n", c, "addr", "add", "10.232.0.1/30", "dev", ci],
            ["ip", "-n", s, "addr", "add", "10.232.0.2/30", "dev", si],
            ["ip", "-n", c, "link", "set", ci, "up"], ["ip", "-n", s, "link", "set", si, "up"],
        ] {
            try await Self.run(command)
        }
    }

    /// Deletes both namespaces; one that was never created is not an error.
    private func destroy() async {
        for namespace in [client, server] {
            _ = try? await LocalExecutor().run(["ip", "netns", "del", namespace.name], timeout: .seconds(10))
        }
    }

    private static func run(_ argv: [String]) async throws {
        let output = try await LocalExecutor().run(argv, timeout: .seconds(10))
        guard output.exitCode == 0 else {
            throw BenchError.commandFailed(argv: argv, exitCode: output.exitCode, lastLine: output.lastLine)
        }
    }
}
