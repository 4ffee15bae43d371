import Foundation

/// What `lab down` stopped.
public struct LabDownReport: Sendable, Hashable {
    /// One stopped process.
    public struct Stopped: Sendable, Hashable {
        public var name: String
        public var pid: Int32
        /// True when it ignored SIGTERM for the grace period and was killed.
        public var killed: Bool
    }

    public var stopped: [Stopped]
    /// The veth pairs and network namespaces removed, after every process was stopped.
    public var removedNetwork: [String] = []
}

extension LabSupervisor {
    /// Stops every service of this lab: SIGTERM, up to 3 s of grace, then SIGKILL; then, the same
    /// way, any supervisor still there (each normally logs its server's exit and exits by itself);
    /// removes the pid files; then removes the lab's veth pairs and network namespaces, also those a
    /// crashed lab of this run directory left. Succeeds when nothing runs. `lab.json` stays, so
    /// `status` can still name the services.
    public func down(grace: Duration = .seconds(3)) async -> LabDownReport {
        var targets: [pid_t: String] = [:]
        for name in knownServiceNames() {
            if let pid = LabProcessTable.pid(inFile: paths.pidFile(name)),
                LabProcessTable.isLabServe(pid, runDirectory: paths.root)
            {
                targets[pid] = name
            }
        }
        // A service whose pid file was lost (or never written) is found by its command line.
        for pid in LabProcessTable.labServeProcesses(runDirectory: paths.root) where targets[pid] == nil {
            targets[pid] = LabProcessTable.arguments(of: pid).map(Self.serviceName(fromServeArguments:)) ?? "unknown"
        }
        let killed = await terminate(Array(targets.keys), grace: grace)
        // After the servers, so that each supervisor sees its server's exit and logs it. A SIGTERM
        // to one whose server is exiting does no harm (it is passed on, and the supervisor goes on
        // waiting); one whose server was already gone gets it too, and so does one hanging.
        let supervisors = LabProcessTable.labSupervisorProcesses(runDirectory: paths.root)
        _ = await terminate(supervisors, grace: grace) { LabProcessTable.isLabSupervisor($0, runDirectory: paths.root) }
        for name in knownServiceNames() {
            unlink(paths.pidFile(name))
        }
        // After the services, which it scrapes; its companions also stop by themselves once the
        // services are gone, and this is for those that have not yet.
        let prometheus = await stopPrometheus(grace: grace)
        let removedNetwork = await network.remove()
        let order = ((try? LabManifest.load(from: paths))?.layout ?? .standard).serviceNames
        let stopped = targets.map {
            LabDownReport.Stopped(name: $0.value, pid: $0.key, killed: killed.contains($0.key))
        }
        return LabDownReport(
            stopped: stopped.sorted {
                (order.firstIndex(of: $0.name) ?? order.count, $0.pid) < (
                    order.firstIndex(of: $1.name) ?? order.count, $1.pid
                )
            } + prometheus, removedNetwork: removedNetwork)
    }

    /// SIGTERM, wait up to `grace`, then SIGKILL those that `isOurs` still (lab servers by default).
    /// Returns the pids that had to be killed.
    func terminate(_ pids: [pid_t], grace: Duration, isOurs: ((pid_t) -> Bool)? = nil) async -> Set<pid_t> {
        let isOurs = isOurs ?? { LabProcessTable.isLabServe($0, runDirectory: paths.root) }
        guard !pids.isEmpty else { return [] }
        for pid in pids { kill(pid, SIGTERM) }
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        var remaining = pids.filter(LabProcessTable.isAlive)
        while !remaining.isEmpty, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
            remaining = remaining.filter(LabProcessTable.isAlive)
        }
        // Only processes still proven to be ours get the SIGKILL: the pid may have been reused meanwhile.
        let stubborn = remaining.filter(isOurs)
        for pid in stubborn { kill(pid, SIGKILL) }
        let killDeadline = clock.now + .seconds(2)
        while stubborn.contains(where: LabProcessTable.isAlive), clock.now < killDeadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return Set(stubborn)
    }

    /// Every service name a pid file may exist for: those of the layout lab.json records (the
    /// standard one without it) plus whatever services it lists.
    func knownServiceNames() -> [String] {
        let manifest = try? LabManifest.load(from: paths)
        let listed = manifest?.services.map(\.name) ?? []
        return Array(Set((manifest?.layout ?? .standard).serviceNames + listed)).sorted()
    }

    /// `beijing-product` from `... lab serve --role product --unit beijing ...`.
    static func serviceName(fromServeArguments argv: [String]) -> String {
        func value(_ flag: String) -> String? {
            zip(argv, argv.dropFirst()).first { $0.0 == flag }?.1
        }
        guard let role = value("--role").flatMap(LabRole.init(rawValue:)) else { return "unknown" }
        return role.serviceName(unit: value("--unit"))
    }
}
