import Foundation
import GameDayCore
import GameDayRuntime
import Synchronization
import Testing

extension Tag {
    /// Starts real `sshd`s (Debian's openssh-server) in network namespaces it creates and always removes.
    @Tag static var sshd: Self
}

/// A fleet of real OpenSSH servers for tests: `units` network namespaces, each with `hostsPerUnit`
/// sshd processes, every one on an address of its own (`10.232.N.10`, `.11`, ... port 22), reached
/// from this namespace through one veth pair per unit (`10.232.N.1` on our side).
///
/// Keys are generated for the run (one host key per host, one client key); the known_hosts file
/// lists exactly those host keys. Everything lives in a temporary directory; `with` kills every
/// process of the namespaces (sshd, its sessions, what sessions started), any ssh master using the
/// fleet's control directory, deletes the namespaces and the directory — whether the body throws or not.
struct SSHFleet: Sendable {
    struct Host: Sendable, Hashable {
        var unit: Int
        var index: Int
        var address: String
        var namespace: String
        /// This host's files: host key, sshd_config, authorized_keys, pid and log files, the test service.
        var directory: String
        var destination: SSHDestination { try! SSHDestination(host: address, port: 22, user: "root") }
    }

    static let sshd = "/usr/sbin/sshd"
    static let client = "/usr/bin/ssh"
    static let keygen = "/usr/bin/ssh-keygen"

    let root: String
    let hosts: [Host]
    let namespaces: [String]
    let controlDirectory: SSHControlDirectory
    let servers: ServerTable

    var clientKey: String { "\(root)/client_ed25519" }
    var knownHosts: String { "\(root)/known_hosts" }

    func hosts(ofUnit unit: Int) -> [Host] { hosts.filter { $0.unit == unit } }

    /// Strict host key checking against the fleet's known_hosts, the client key, multiplexing in the fleet's directory.
    var options: SSHOptions {
        SSHOptions(
            knownHostsFile: knownHosts, identityFile: clientKey, connectTimeout: .seconds(3), configFile: "none",
            multiplexing: .init(directory: controlDirectory, persist: .seconds(30)))
    }

    func executor(_ host: Host, options: SSHOptions? = nil) -> SSHExecutor {
        SSHExecutor(destination: host.destination, options: options ?? self.options)
    }

    // MARK: - Availability

    /// Why the fleet cannot start here, or `nil`: root (namespaces, sshd's privilege separation),
    /// and the OpenSSH binaries and `ip`.
    static func unavailableReason(
        isRoot: Bool = getuid() == 0, sshd: String = sshd, client: String = client, keygen: String = keygen
    ) -> String? {
        guard isRoot else { return "needs root to start sshd in network namespaces: run the tests as root" }
        for (path, package) in [(sshd, "openssh-server"), (client, "openssh-client"), (keygen, "openssh-client")]
        where !FileManager.default.isExecutableFile(atPath: path) {
            return "\(path) is missing: apt-get install -y \(package) (scripts/setup.sh does)"
        }
        guard NamespacePair.isAvailable else { return "needs iproute2 ('ip netns')" }
        return nil
    }

    // MARK: - Lifecycle

    /// Starts the fleet, runs `body`, and tears everything down however `body` ends.
    static func with<T: Sendable>(
        units: Int = 2, hostsPerUnit: Int = 5, _ body: (SSHFleet) async throws -> T
    ) async throws -> T {
        NamespacePair.removeLeftovers()
        let fleet = try await create(units: units, hostsPerUnit: hostsPerUnit)
        do {
            let result = try await body(fleet)
            fleet.destroy()
            return result
        } catch {
            fleet.destroy()
            throw error
        }
    }

    /// Kills one host's sshd and every session it serves: the host is down (connection refused).
    func stop(_ host: Host) {
        servers.stop(host.address)
    }

    /// Replaces a host's authorized_keys with our key under `command="..."`,restrict: every command
    /// on that host runs `command` instead (how a host refuses what it is asked).
    func forceCommand(_ command: String, on host: Host) throws {
        let key = try String(contentsOfFile: "\(clientKey).pub", encoding: .utf8)
        let escaped = command.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        try "command=\"\(escaped)\",restrict \(key)".write(
            toFile: "\(host.directory)/authorized_keys", atomically: true, encoding: .utf8)
    }

    /// Starts the host's test service (`sleep 600`) inside its namespace; its pid goes to `service.pid`.
    func startService(on host: Host) async throws {
        let command = [
            "ip", "netns", "exec", host.namespace, "sh", "-c",
            "sleep 600 </dev/null >/dev/null 2>&1 & echo $! > \(host.directory)/service.pid",
        ]
        let output = try await LocalExecutor().run(command, timeout: .seconds(10))
        guard output.exitCode == 0 else {
            throw FleetError("cannot start the service of \(host.address): \(output.lastLine)")
        }
    }

    /// The pid in the host's `service.pid`, if any.
    func servicePID(of host: Host) -> Int32? {
        (try? String(contentsOfFile: "\(host.directory)/service.pid", encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Processes on this machine whose command line names the fleet's control directory: ssh masters left behind.
    func masters() -> [Int32] {
        let table = ProcessTable()
        return table.pids().filter { table.commandLine(of: $0)?.contains(controlDirectory.path) == true }
    }

    /// Synchronous, so that it runs on every way out of `with`.
    func destroy() {
        for pid in masters() { kill(pid, SIGKILL) }
        servers.stopAll()
        for namespace in namespaces {
            for pid in NamespacePair.output(["ip", "netns", "pids", namespace]).split(whereSeparator: \.isNewline)
                .compactMap({ Int32($0) })
            {
                kill(pid, SIGKILL)
            }
            _ = NamespacePair.output(["ip", "netns", "del", namespace])
        }
        controlDirectory.remove()
        try? FileManager.default.removeItem(atPath: root)
    }

    struct FleetError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    init(root: String, hosts: [Host], namespaces: [String], controlDirectory: SSHControlDirectory, servers: ServerTable)
    {
        self.root = root
        self.hosts = hosts
        self.namespaces = namespaces
        self.controlDirectory = controlDirectory
        self.servers = servers
    }
}

/// The sshd processes a fleet started, by address.
final class ServerTable: Sendable {
    private let pids = Mutex<[String: pid_t]>([:])

    func add(_ address: String, _ pid: pid_t) {
        pids.withLock { $0[address] = pid }
    }

    /// Kills the listener and its children (sshd gives each connection a session process of its own,
    /// in a session of its own, which a killed listener leaves running).
    func stop(_ address: String) {
        guard let listener = pids.withLock({ $0.removeValue(forKey: address) }) else { return }
        for pid in Self.descendants(of: listener) { kill(pid, SIGKILL) }
        kill(listener, SIGKILL)
    }

    func stopAll() {
        for address in pids.withLock({ Array($0.keys) }) { stop(address) }
    }

    static func descendants(of pid: Int32) -> [Int32] {
        var parents: [Int32: Int32] = [:]
        for candidate in ProcessTable().pids() {
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[candidate] = parent }
        }
        var found: [Int32] = []
        var frontier = [pid]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            found += children
            frontier += children
        }
        return found
    }
}
