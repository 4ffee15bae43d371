import Foundation
import GameDayCore
import GameDayRuntime
import Synchronization

extension SSHFleet {
    /// Subnets handed out in this process (`10.232.N.0/24`), so fleets of parallel tests never share one.
    private static let nextSubnet = Mutex(Int.random(in: 0..<200))

    public static func create(units: Int, hostsPerUnit: Int) async throws -> SSHFleet {
        var template = Array("/tmp/gdfleet-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) != nil }) else {
            throw FleetError("cannot create a fleet directory: \(String(cString: strerror(errno)))")
        }
        let root = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let controlDirectory: SSHControlDirectory
        do {
            controlDirectory = try SSHControlDirectory.create()
        } catch {
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
        let tag = String(UInt32.random(in: 0..<(1 << 24)), radix: 16)
        var hosts: [Host] = []
        var namespaces: [String] = []
        for unit in 0..<units {
            let namespace = "\(TestNamespaces.prefix)\(getpid())-\(tag)-u\(unit)"
            namespaces.append(namespace)
            let subnet = freeSubnet()
            for index in 0..<hostsPerUnit {
                let address = "10.232.\(subnet).\(10 + index)"
                hosts.append(
                    Host(
                        unit: unit, index: index, address: address, namespace: namespace,
                        directory: "\(root)/\(address)"))
            }
        }
        let fleet = SSHFleet(
            root: root, hosts: hosts, namespaces: namespaces, controlDirectory: controlDirectory, servers: ServerTable()
        )
        do {
            try await fleet.start(tag: tag)
        } catch {
            fleet.destroy()
            throw error
        }
        return fleet
    }

    private static func freeSubnet() -> Int {
        let used = TestNamespaces.output(["ip", "-4", "-o", "addr", "show"])
        return nextSubnet.withLock { next in
            for _ in 0..<256 {
                next = (next + 1) % 250
                if !used.contains("10.232.\(next).") { return next }
            }
            return next
        }
    }

    private func start(tag: String) async throws {
        try FileManager.default.createDirectory(
            atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try await run([Self.keygen, "-q", "-t", "ed25519", "-N", "", "-C", "gameday-test-client", "-f", clientKey])
        for (unit, namespace) in namespaces.enumerated() {
            let members = hosts(ofUnit: unit)
            let ours = "gds\(tag)\(unit)"
            let theirs = "gdn\(tag)\(unit)"
            let gateway = members[0].address.split(separator: ".").dropLast().joined(separator: ".") + ".1"
            try await run(["ip", "netns", "add", namespace])
            try await run(["ip", "link", "add", ours, "type", "veth", "peer", "name", theirs, "netns", namespace])
            try await run(["ip", "addr", "add", "\(gateway)/24", "dev", ours])
            try await run(["ip", "link", "set", ours, "up"])
            for host in members {
                try await run(["ip", "-n", namespace, "addr", "add", "\(host.address)/24", "dev", theirs])
            }
            try await run(["ip", "-n", namespace, "link", "set", theirs, "up"])
            try await run(["ip", "-n", namespace, "link", "set", "lo", "up"])
        }
        var knownHostsLines: [String] = []
        for host in hosts {
            try FileManager.default.createDirectory(atPath: host.directory, withIntermediateDirectories: true)
            let hostKey = "\(host.directory)/ssh_host_ed25519_key"
            try await run([Self.keygen, "-q", "-t", "ed25519", "-N", "", "-C", host.address, "-f", hostKey])
            try sshdConfig(host, hostKey: hostKey).write(
                toFile: "\(host.directory)/sshd_config", atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(atPath: "\(clientKey).pub", toPath: "\(host.directory)/authorized_keys")
            let publicKey = try String(contentsOfFile: "\(hostKey).pub", encoding: .utf8)
            knownHostsLines.append("\(host.address) \(publicKey.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        try knownHostsLines.joined(separator: "\n").appending("\n").write(
            toFile: knownHosts, atomically: true, encoding: .utf8)
        for host in hosts { try await startServer(host) }
    }

    /// The host key line `known_hosts` has for `host`.
    public func knownHostsLine(_ host: Host) throws -> String {
        try String(contentsOfFile: knownHosts, encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("\(host.address) ") }.map(String.init) ?? ""
    }

    /// `SetEnv SHLVL=1`: bash sources `~/.bashrc` for every command that sshd runs unless it is
    /// nested (SHLVL ≥ 1); root's bashrc on a shared build machine may do a lot (pyenv init here,
    /// about 80 ms of CPU per command), which would measure the machine rather than the fan-out.
    private func sshdConfig(_ host: Host, hostKey: String) -> String {
        """
        ListenAddress \(host.address):22
        HostKey \(hostKey)
        AuthorizedKeysFile \(host.directory)/authorized_keys
        PidFile \(host.directory)/sshd.pid
        UsePAM no
        StrictModes no
        PermitRootLogin prohibit-password
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        MaxStartups 100
        MaxSessions 100
        LogLevel VERBOSE
        SetEnv SHLVL=1

        """
    }

    /// `ip netns exec NS /usr/sbin/sshd -f CONFIG -E LOG`: sshd daemonises (so it survives the
    /// executor's process group), writes its pid file, and logs to the host's directory.
    private func startServer(_ host: Host) async throws {
        do {
            try await run(
                [
                    "ip", "netns", "exec", host.namespace, Self.sshd, "-f", "\(host.directory)/sshd_config", "-E",
                    "\(host.directory)/sshd.log",
                ])
            try await waitUntilAccepting(host)
        } catch {
            let log = (try? String(contentsOfFile: "\(host.directory)/sshd.log", encoding: .utf8)) ?? ""
            throw FleetError("\(error)\nsshd's log for \(host.address):\n\(log)")
        }
        guard
            let text = try? String(contentsOfFile: "\(host.directory)/sshd.pid", encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw FleetError("sshd for \(host.address) wrote no pid file") }
        servers.add(host.address, pid)
    }

    /// Waits until the host's sshd sends its banner (`SSH-2.0-...`), at most 10 s.
    private func waitUntilAccepting(_ host: Host) async throws {
        let address = host.address
        let accepted = await OwnThread.run { () -> Bool in
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if Self.readsBanner(address) { return true }
                usleep(50_000)
            }
            return false
        }
        guard accepted else { throw FleetError("sshd for \(address) did not accept within 10 s") }
    }

    private static func readsBanner(_ address: String) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var peer = sockaddr_in()
        peer.sin_family = sa_family_t(AF_INET)
        peer.sin_port = UInt16(22).bigEndian
        peer.sin_addr.s_addr = inet_addr(address)
        let connected = withUnsafePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return false }
        var buffer = [UInt8](repeating: 0, count: 4)
        return read(fd, &buffer, 4) == 4 && buffer == Array("SSH-".utf8)
    }

    private func run(_ argv: [String]) async throws {
        let output = try await LocalExecutor().run(argv, timeout: .seconds(30))
        guard output.exitCode == 0 else {
            throw FleetError("\(argv.joined(separator: " ")) failed (exit \(output.exitCode)): \(output.lastLine)")
        }
    }
}
