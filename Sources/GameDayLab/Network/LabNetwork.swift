import Foundation
import GameDayCore
import GameDayRuntime

/// Creates and removes the lab's network namespaces and veth pairs with `ip`, argv only, and only
/// ever names it derived from the run directory (`LabNamespace.plan`).
public struct LabNetwork: Sendable {
    public let namespaces: [LabNamespace]
    let executor: any CommandExecutor

    public init(namespaces: [LabNamespace], executor: any CommandExecutor = LocalExecutor()) {
        self.namespaces = namespaces
        self.executor = executor
    }

    /// Why namespaces cannot be made here, or nil when they can: root and `ip netns` are needed.
    public static func unavailability(userID: uid_t = getuid(), ip: String? = LabNetwork.ipExecutable()) -> String? {
        if userID != 0 { return "network namespaces need root (this is uid \(userID))" }
        if ip == nil { return "'ip' (iproute2) is not installed" }
        return nil
    }

    /// The absolute path of `ip`, which `DetachedProcess` needs (it does not search PATH).
    public static func ipExecutable() -> String? {
        ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { access($0, X_OK) == 0 }
    }

    // MARK: - Create

    /// Creates every namespace with `lo` up and its veth pair addressed; on failure removes what
    /// it made and throws.
    public func create() async throws(LabError) {
        for namespace in namespaces {
            let holders = try await run(["ip", "-o", "-4", "addr", "show", "to", namespace.subnet]).stdout
            if !holders.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw .subnetInUse(subnet: namespace.subnet, holder: holders)
            }
        }
        do {
            for namespace in namespaces { try await create(namespace) }
            try await link()
        } catch {
            await remove()
            throw error
        }
    }

    private func create(_ namespace: LabNamespace) async throws(LabError) {
        let ns = namespace.name
        let prefix = "/\(namespace.prefixLength)"
        for argv in [
            ["ip", "netns", "add", ns],
            [
                "ip", "link", "add", namespace.hostInterface, "type", "veth", "peer", "name",
                namespace.namespaceInterface, "netns", ns,
            ],
            ["ip", "addr", "add", namespace.hostAddress + prefix, "dev", namespace.hostInterface],
            ["ip", "link", "set", namespace.hostInterface, "up"],
            ["ip", "-n", ns, "link", "set", "lo", "up"],
            ["ip", "-n", ns, "addr", "add", namespace.namespaceAddress + prefix, "dev", namespace.namespaceInterface],
            ["ip", "-n", ns, "link", "set", namespace.namespaceInterface, "up"],
        ] {
            let output = try await run(argv)
            guard output.exitCode == 0 else {
                throw .networkSetupFailed(argv: argv, message: output.lastLine)
            }
        }
    }

    /// Joins every pair of namespaces with a veth pair of their own (made on the host, then each
    /// end moved into its namespace), so the units reach each other without the host forwarding.
    private func link() async throws(LabError) {
        for (index, a) in namespaces.enumerated() {
            for b in namespaces[(index + 1)...] {
                guard let aEnd = a.link(to: b.unit), let bEnd = b.link(to: a.unit) else { continue }
                try await link(a, aEnd, b, bEnd)
            }
        }
    }

    private func link(
        _ a: LabNamespace, _ aEnd: LabNamespace.Link, _ b: LabNamespace, _ bEnd: LabNamespace.Link
    ) async throws(LabError) {
        let prefix = "/\(a.prefixLength)"
        for argv in [
            ["ip", "link", "add", aEnd.interface, "type", "veth", "peer", "name", bEnd.interface],
            ["ip", "link", "set", aEnd.interface, "netns", a.name],
            ["ip", "link", "set", bEnd.interface, "netns", b.name],
            ["ip", "-n", a.name, "addr", "add", aEnd.address + prefix, "dev", aEnd.interface],
            ["ip", "-n", a.name, "link", "set", aEnd.interface, "up"],
            ["ip", "-n", b.name, "addr", "add", bEnd.address + prefix, "dev", bEnd.interface],
            ["ip", "-n", b.name, "link", "set", bEnd.interface, "up"],
        ] {
            let output = try await run(argv)
            guard output.exitCode == 0 else {
                throw .networkSetupFailed(argv: argv, message: output.lastLine)
            }
        }
    }

    // MARK: - Remove

    /// Removes every veth pair and namespace that exists, and nothing else; idempotent. Returns
    /// what it removed. Processes in a namespace must be stopped first, or it lingers until they exit.
    @discardableResult
    public func remove() async -> [String] {
        var removed: [String] = []
        for namespace in namespaces {
            // The links between the namespaces go with them; only a setup that failed half-way
            // leaves an end of one on the host.
            for link in namespace.links ?? [] {
                if FileManager.default.fileExists(atPath: "/sys/class/net/\(link.interface)"),
                    (try? await run(["ip", "link", "del", link.interface]))?.exitCode == 0
                {
                    removed.append("veth \(link.interface)")
                }
            }
            // Deleting either end of a veth pair deletes both.
            if FileManager.default.fileExists(atPath: "/sys/class/net/\(namespace.hostInterface)"),
                (try? await run(["ip", "link", "del", namespace.hostInterface]))?.exitCode == 0
            {
                removed.append("veth pair \(namespace.hostInterface)/\(namespace.namespaceInterface)")
            }
            if exists(namespace), (try? await run(["ip", "netns", "del", namespace.name]))?.exitCode == 0 {
                removed.append("network namespace \(namespace.name)")
            }
        }
        return removed
    }

    /// Whether the namespace is mounted under /run/netns, where `ip netns` keeps them.
    public func exists(_ namespace: LabNamespace) -> Bool {
        FileManager.default.fileExists(atPath: "/run/netns/\(namespace.name)")
    }

    private func run(_ argv: [String]) async throws(LabError) -> CommandOutput {
        do {
            return try await executor.run(argv, timeout: .seconds(10))
        } catch {
            throw .networkSetupFailed(argv: argv, message: error.message)
        }
    }
}
