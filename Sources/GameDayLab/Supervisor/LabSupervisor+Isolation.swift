extension LabSupervisor {
    /// The namespaces this lab's units get (none for loopback), created; and, when `netns` was asked
    /// for but cannot be had here, why the lab falls back to loopback.
    func isolate(_ isolation: LabIsolation, layout: LabLayout = .standard) async throws -> (
        namespaces: [LabNamespace], fallback: String?
    ) {
        guard isolation == .netns else { return ([], nil) }
        if let reason = LabNetwork.unavailability() { return ([], reason) }
        let namespaces = LabNamespace.plan(runDirectory: paths.root, units: layout.units)
        do {
            try await LabNetwork(namespaces: namespaces).create()
        } catch .networkSetupFailed(let argv, let message) {
            // Root without the capability (a container): the lab still runs, on loopback.
            return ([], "'\(argv.joined(separator: " "))' failed: \(message)")
        }
        return (namespaces, nil)
    }

    /// Whether a running lab was started with the isolation `options` ask for (or asked for it and
    /// fell back, or `options` do not say), so that `lab up` may keep it.
    static func isolation(of manifest: LabManifest, satisfies options: LabUpOptions) -> Bool {
        guard let wanted = options.isolation else { return true }
        return manifest.effectiveIsolation == wanted || (wanted == .netns && manifest.isolationFallback != nil)
    }

    /// The namespaces and veth pairs a lab in this run directory has, or had before it crashed: of
    /// the units lab.json lists (beijing and hangzhou without one), and of any other unit whose
    /// namespace of this lab exists (a lab that failed before it wrote lab.json).
    var network: LabNetwork {
        let recorded = (try? LabManifest.load(from: paths))?.layout.units ?? LabLayout.standard.units
        let found = LabNamespace.existingUnits(runDirectory: paths.root).filter { !recorded.contains($0) }
        return LabNetwork(namespaces: LabNamespace.plan(runDirectory: paths.root, units: recorded + found))
    }
}
