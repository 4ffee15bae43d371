import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

extension Tag {
    /// Runs as root in network namespaces it creates (`gameday-test-*`) and always removes.
    /// Leave out with `--skip Network` where root or `ip netns` is not available.
    @Tag static var netns: Self
}

/// Two network namespaces joined by a veth pair, for real traffic that never leaves them:
/// `client` holds 10.231.0.1/30, `server` 10.231.0.2/30.
///
/// Names start with `gameday-test-<pid>-`, so leftovers are easy to find
/// (`ip netns list | grep gameday`) and those of dead test runs are removed on the next run.
struct NamespacePair: Sendable {
    static let prefix = TestNamespaces.prefix
    static let clientAddress = "10.231.0.1"
    static let serverAddress = "10.231.0.2"

    let client: NamespaceName
    let server: NamespaceName
    let clientInterface: InterfaceName
    let serverInterface: InterfaceName

    var clientExecutor: NetnsExecutor { NetnsExecutor(namespace: client) }
    var serverExecutor: NetnsExecutor { NetnsExecutor(namespace: server) }

    /// Root, and `ip netns` works: what every test in a namespace needs.
    static var isAvailable: Bool { TestNamespaces.isAvailable }

    static let unavailableReason: Comment = "needs root and iproute2 ('ip netns'): run the tests as root on Linux"

    /// Creates a pair, runs `body`, and removes both namespaces (and everything in them:
    /// veths, nft tables, iptables chains, qdiscs, processes) whether `body` throws or not.
    static func with<T: Sendable>(_ body: (NamespacePair) async throws -> T) async throws -> T {
        removeLeftovers()
        let tag = String(UInt32.random(in: .min ... .max), radix: 16)
        let pair = NamespacePair(
            client: try NamespaceName("\(prefix)\(getpid())-\(tag)-c"),
            server: try NamespaceName("\(prefix)\(getpid())-\(tag)-s"),
            clientInterface: try InterfaceName("gdt\(tag)c"), serverInterface: try InterfaceName("gdt\(tag)s"))
        do {
            try await pair.create()
        } catch {
            pair.destroy()
            throw error
        }
        do {
            let result = try await body(pair)
            pair.destroy()
            return result
        } catch {
            pair.destroy()
            throw error
        }
    }

    private func create() async throws {
        let local = LocalExecutor()
        for command in [
            ["ip", "netns", "add", client.name],
            ["ip", "netns", "add", server.name],
            [
                "ip", "link", "add", clientInterface.name, "netns", client.name, "type", "veth", "peer", "name",
                serverInterface.name, "netns", server.name,
            ],
            ["ip", "-n", client.name, "addr", "add", "\(Self.clientAddress)/30", "dev", clientInterface.name],
            ["ip", "-n", server.name, "addr", "add", "\(Self.serverAddress)/30", "dev", serverInterface.name],
            ["ip", "-n", client.name, "link", "set", clientInterface.name, "up"],
            ["ip", "-n", server.name, "link", "set", serverInterface.name, "up"],
            ["ip", "-n", client.name, "link", "set", "lo", "up"],
            ["ip", "-n", server.name, "link", "set", "lo", "up"],
        ] {
            let output = try await local.run(command, timeout: .seconds(10))
            guard output.exitCode == 0 else {
                throw CommandError(argv: command, message: "exit \(output.exitCode): \(output.lastLine)")
            }
        }
    }

    /// Kills whatever still runs in the namespaces, then deletes them. Synchronous, so it runs
    /// on every way out of `with` without awaiting.
    func destroy() {
        for namespace in [client, server] {
            Self.removeNamespace(namespace.name)
        }
    }

    private static func removeNamespace(_ name: String) { TestNamespaces.remove(name) }

    /// Deletes `gameday-test-<pid>-*` namespaces whose test process is gone (a crashed run).
    static func removeLeftovers() { TestNamespaces.removeLeftovers() }

    /// Runs a short command synchronously and returns its stdout (cleanup cannot await).
    static func output(_ argv: [String]) -> String { TestNamespaces.output(argv) }
}

extension IdempotentCommand {
    /// Runs the steps the way a ledger's recipe runner would; returns the steps that failed.
    static func run(_ steps: [IdempotentCommand], on executor: any CommandExecutor) async throws -> [String] {
        var failed: [String] = []
        for step in steps {
            let output = try await executor.run(step.argv, timeout: .seconds(10))
            if output.exitCode != 0, !step.okExitCodes.contains(output.exitCode) {
                failed.append("\(step.argv.joined(separator: " ")): exit \(output.exitCode) \(output.lastLine)")
            }
        }
        return failed
    }
}
