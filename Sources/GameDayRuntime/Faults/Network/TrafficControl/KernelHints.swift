import Foundation
import GameDayCore

/// What the host says about its kernel, to turn "qdisc kind is unknown" into advice one can act on.
struct KernelHints: Sendable, Hashable, Codable {
    /// `uname -r`.
    var release: String
    /// Whether the kernel loads modules at all (`/proc/modules` exists); without, a missing
    /// qdisc means the kernel was built without it.
    var modulesSupported: Bool
    /// The missing modules `modprobe -n -q` says it could load.
    var loadable: [String]

    static func read(_ executor: any CommandExecutor, modules: [String]) async -> KernelHints {
        let release =
            (try? await executor.attempt(["uname", "-r"]))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let modulesSupported = (try? await executor.attempt(["test", "-e", "/proc/modules"]))?.exitCode == 0
        var loadable: [String] = []
        if modulesSupported {
            for module in modules {
                let dryRun = try? await executor.attempt(["modprobe", "-n", "-q", module])
                if dryRun?.exitCode == 0 { loadable.append(module) }
            }
        }
        return KernelHints(
            release: release.isEmpty ? "$(uname -r)" : release, modulesSupported: modulesSupported, loadable: loadable)
    }

    /// `sch_netem` → `CONFIG_NET_SCH_NETEM`, the kernel option that builds it.
    static func configOption(_ module: String) -> String {
        let parts = module.split(separator: "_", maxSplits: 1).map { $0.uppercased() }
        return parts.count == 2 ? "CONFIG_NET_\(parts[0])_\(parts[1])" : module
    }
}
