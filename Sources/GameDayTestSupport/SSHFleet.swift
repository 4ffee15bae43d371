import Foundation
import GameDayCore
import GameDayRuntime
import Synchronization

/// A fleet of real OpenSSH servers for tests: `units` network namespaces, each with `hostsPerUnit`
/// sshd processes, every one on an address of its own (`10.232.N.10`, `.11`, ... port 22), reached
/// from this namespace through one veth pair per unit (`10.232.N.1` on our side).
///
/// Keys are generated for the run (one host key per host, one client key); the known_hosts file
/// lists exactly those host keys. Everything lives in a temporary directory; `with` kills every
/// process of the namespaces (sshd, its sessions, what sessions started), any ssh master using the
/// fleet's control directory, deletes the namespaces and the directory — whether the body throws or not.
public struct SSHFleet: Sendable {
    public struct Host: Sendable, Hashable {
        public var unit: Int
        public var index: Int
        public var address: String
        public var namespace: String
        /// This host's files: host key, sshd_config, authorized_keys, pid and log files, the test service.
        public var directory: String
        public var destination: SSHDestination { try! SSHDestination(host: address, port: 22, user: "root") }
    }

    public static let sshd = "/usr/sbin/sshd"
    public static let client = "/usr/bin/ssh"
    public static let keygen = "/usr/bin/ssh-keygen"

    public let root: String
    public let hosts: [Host]
    public let namespaces: [String]
    public let controlDirectory: SSHControlDirectory
    public let servers: ServerTable

    public var clientKey: String { "\(root)/client_ed25519" }
    public var knownHosts: String { "\(root)/known_hosts" }

    public func hosts(ofUnit unit: Int) -> [Host] { hosts.filter { $0.unit == unit } }

    /// Strict host key checking against the fleet's known_hosts, the client key, multiplexing in the fleet's directory.
    public var options: SSHOptions {
        SSHOptions(
            knownHostsFile: knownHosts, identityFile: clientKey, connectTimeout: .seconds(3), configFile: "none",
            multiplexing: .init(directory: controlDirectory, persist: .seconds(30)))
    }

    public func executor(_ host: Host, options: SSHOptions? = nil) -> SSHExecutor {
        SSHExecutor(destination: host.destination, options: options ?? self.options)
    }

    // MARK: - Availability

    /// Why the fleet cannot start here, or `nil`: root (namespaces, sshd's privilege separation),
    /// and the OpenSSH binaries and `ip`.
    public static func unavailableReason(
        isRoot: Bool = getuid() == 0, sshd: String = sshd, client: String = client, keygen: String = keygen
    ) -> String? {
        guard isRoot else { return "needs root to start sshd in network namespaces: run the tests as root" }
        for (path, package) in [(sshd, "openssh-server"), (client, "openssh-client"), (keygen, "openssh-client")]
        where !FileManager.default.isExecutableFile(atPath: path) {
            return "\(path) is missing: apt-get install -y \(package) (scripts/setup.sh does)"
        }
        guard TestNamespaces.isAvailable else { return "needs iproute2 ('ip netns')" }
        return nil
    }

    // MARK: - Lifecycle

    /// Starts the fleet, runs `body`, and tears everything down however `body` ends.
    public static func with<T: Sendable>(
        units: Int = 2, hostsPerUnit: Int = 5, _ body: (SSHFleet) async throws -> T
    ) async throws -> T {
        try await LabSlots.fleets.with {
            TestNamespaces.removeLeftovers()
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
    }

    /// Kills one host's sshd and every session it serves: the host is down (connection refused).
    public func stop(_ host: Host) {
        servers.stop(host.address)
    }

    /// Replaces a host's authorized_keys with our key under `command="..."`,restrict: every command
    /// on that host runs `command` instead (how a host refuses what it is asked).
    public func forceCommand(_ command: String, on host: Host) throws {
        let key = try String(contentsOfFile: "\(clientKey).pub", encoding: .utf8)
        let escaped = command.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        try "command=\"\(escaped)\",restrict \(key)".write(
            toFile: "\(host.directory)/authorized_keys", atomically: true, encoding: .utf8)
    }

    /// Starts the host's test service (`sleep 600`) inside its namespace; its pid goes to `service.pid`.
    public func startService(on host: Host) async throws {
        let command = [
            "ip", "netns", "exec", host.namespace, "sh", "-c",
            "sleep 600 </dev/null >/dev/null 2>&1 & echo $! > \(host.directory)/service.pid",
        ]
        let output = try await LocalExecutor().run(command, timeout: .seconds(10))
        guard output.exitCode == 0 else {
            throw FleetError("cannot start the service of \(host.address): \(output.lastLine)")
        }
    }

    /// On each host: the pid file of that host's own service, found through the address sshd
    /// answered on (`$3` of `$SSH_CONNECTION`), so one plan serves every host.
    var serviceFile: String { "\(root)/$3/service.pid" }

    /// A fault on every host it runs on: SIGKILL to the host's service.
    public var killServiceCommand: [String] {
        ["sh", "-c", "set -- $SSH_CONNECTION; kill -KILL \"$(cat \(serviceFile))\""]
    }

    /// Its revert: the host's service started again.
    public var restartServiceCommand: [String] {
        ["sh", "-c", "set -- $SSH_CONNECTION; sleep 600 </dev/null >/dev/null 2>&1 & echo $! > \(serviceFile)"]
    }

    /// A service that is its host's own even on one machine: a listener on `port` in the host's
    /// network namespace (one host per unit, so one namespace per host), started in the background.
    /// The python is the same for every port: the port is its argument.
    public static func listenerCommand(port: Int) -> [String] {
        let serve =
            "import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
            + "s.bind(('0.0.0.0', int(sys.argv[1]))); s.listen(); time.sleep(600)"
        return ["sh", "-c", "nohup python3 -c \"\(serve)\" \(port) </dev/null >/dev/null 2>&1 &"]
    }

    /// Starts `listenerCommand(port:)` on every host over SSH and waits (up to 5 s) until each listens.
    public func startListeners(port: Int) async throws {
        for host in hosts {
            let executor = executor(host)
            _ = try await executor.run(Self.listenerCommand(port: port), timeout: .seconds(20))
            await executor.close()
        }
        for _ in 0..<50 where listeners(port: port).count < hosts.count {
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Per host address, the pid listening on `port` in the host's namespace.
    public func listeners(port: Int) -> [String: Int32] {
        var found: [String: Int32] = [:]
        for host in hosts {
            let output = TestNamespaces.output([
                "ip", "netns", "exec", host.namespace, "ss", "-Htlnp", "sport = :\(port)",
            ])
            if let match = output.firstMatch(of: /pid=(\d+)/), let pid = Int32(match.1) { found[host.address] = pid }
        }
        return found
    }

    /// A target file whose unit `beijing` has the service `product` on every host of the fleet,
    /// found by its listener on `port` and restarted with `listenerCommand`; gateway and control
    /// plane as given (nothing needs to answer there unless a drill runs).
    public func targetFile(
        port: Int, gateway: String = "http://127.0.0.1:1", controlPlane: String = "http://127.0.0.1:2"
    )
        throws -> String
    {
        let addresses = hosts.map { "\"\($0.address)\"" }.joined(separator: ", ")
        let restart = Self.listenerCommand(port: port).map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }
            .joined(separator: ", ")
        let yaml =
            TargetText.twoUnits(name: "fleet-lab", gateway: gateway, controlPlane: controlPlane) + """
                  beijing:
                    ssh: { user: root, identity_file: \(clientKey), known_hosts: \(knownHosts), connect_timeout: 3s }
                    services:
                      product:
                        hosts: [\(addresses)]
                        process: { port: \(port) }
                        restart: [\(restart)]
                """
        let path = "\(root)/target.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The pid in the host's `service.pid`, if any.
    public func servicePID(of host: Host) -> Int32? {
        (try? String(contentsOfFile: "\(host.directory)/service.pid", encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Processes on this machine whose command line names the fleet's control directory: ssh masters left behind.
    public func masters() -> [Int32] {
        let table = ProcessTable()
        return table.pids().filter { table.commandLine(of: $0)?.contains(controlDirectory.path) == true }
    }

    /// Synchronous, so that it runs on every way out of `with`.
    public func destroy() {
        for pid in masters() { kill(pid, SIGKILL) }
        servers.stopAll()
        for namespace in namespaces {
            for pid in TestNamespaces.output(["ip", "netns", "pids", namespace]).split(whereSeparator: \.isNewline)
                .compactMap({ Int32($0) })
            {
                kill(pid, SIGKILL)
            }
            _ = TestNamespaces.output(["ip", "netns", "del", namespace])
        }
        controlDirectory.remove()
        try? FileManager.default.removeItem(atPath: root)
    }

    public struct FleetError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public init(
        root: String, hosts: [Host], namespaces: [String], controlDirectory: SSHControlDirectory, servers: ServerTable
    ) {
        self.root = root
        self.hosts = hosts
        self.namespaces = namespaces
        self.controlDirectory = controlDirectory
        self.servers = servers
    }
}

/// The sshd processes a fleet started, by address.
public final class ServerTable: Sendable {
    private let pids = Mutex<[String: pid_t]>([:])

    public func add(_ address: String, _ pid: pid_t) {
        pids.withLock { $0[address] = pid }
    }

    /// Kills the listener and its children (sshd gives each connection a session process of its own,
    /// in a session of its own, which a killed listener leaves running).
    public func stop(_ address: String) {
        guard let listener = pids.withLock({ $0.removeValue(forKey: address) }) else { return }
        for pid in Self.descendants(of: listener) { kill(pid, SIGKILL) }
        kill(listener, SIGKILL)
    }

    public func stopAll() {
        for address in pids.withLock({ Array($0.keys) }) { stop(address) }
    }

    public static func descendants(of pid: Int32) -> [Int32] {
        let table = ProcessTable()
        var parents: [Int32: Int32] = [:]
        for candidate in table.pids() {
            if let parent = table.parent(of: candidate) { parents[candidate] = parent }
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
