import Foundation
import GameDayLab
import GameDayTestSupport
import Testing

extension LabIntegration {
    /// `lab up --isolation netns`: each unit in its own network namespace, for real (root only).
    @Suite("Lab in network namespaces")
    struct Isolated {
        static var canMakeNamespaces: Bool { LabNetwork.unavailability() == nil }

        @Test(.enabled(if: canMakeNamespaces, "needs root and iproute2 to create network namespaces"))
        func eachUnitLivesInItsOwnNamespaceAndDownRemovesEverything() async throws {
            var namespaces: [TestLab.Namespace] = []
            var services: [TestLab.Service] = []
            var runDirectory = ""
            try await TestLab.withLab(isolation: .netns) { lab in
                runDirectory = lab.runDirectory
                #expect(lab.isolation == .netns)
                namespaces = lab.namespaces
                services = lab.services
                #expect(namespaces.map(\.unit) == LabLayout.standard.units)

                let beijing = try await lab.gateway("/storefront?userId=6000")
                #expect(beijing.status == 200 && beijing.header("X-Unit") == "beijing", "\(beijing.bodyText)")
                let hangzhou = try await lab.gateway("/storefront?userId=50")
                #expect(hangzhou.status == 200 && hangzhou.header("X-Unit") == "hangzhou", "\(hangzhou.bodyText)")

                let list = try await ChildProcess.run([ip, "netns", "list"])
                for namespace in namespaces { #expect(list.stdout.contains(namespace.name), "\(list.stdout)") }

                let beijingNamespace = try lab.namespace(of: "beijing")
                let product = try #require(try lab.pid(of: "beijing-product"))
                #expect(networkNamespace(ofProcess: product) == networkNamespace(named: beijingNamespace.name))
                #expect(networkNamespace(ofProcess: product) != networkNamespace(ofProcess: getpid()))
                let hangzhouProduct = try #require(try lab.pid(of: "hangzhou-product"))
                #expect(
                    networkNamespace(ofProcess: hangzhouProduct)
                        == networkNamespace(named: try lab.namespace(of: "hangzhou").name))
                let gateway = try #require(try lab.pid(of: "gateway"))
                #expect(networkNamespace(ofProcess: gateway) == networkNamespace(ofProcess: getpid()))

                let target = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
                #expect(target.contains("netns: \(beijingNamespace.name)"))
                #expect(target.contains("http://\(beijingNamespace.namespaceAddress):"))

                // Its supervisor runs in the namespace too (`ip netns exec` wraps the supervisor).
                let supervisor = try #require(parentPid(of: product))
                #expect(LabProcessTable.isLabSupervisor(supervisor, runDirectory: lab.runDirectory))
                #expect(networkNamespace(ofProcess: supervisor) == networkNamespace(named: beijingNamespace.name))

                // A killed unit service is logged by its supervisor, and comes back in its own
                // namespace, not on the host.
                kill(product, SIGKILL)
                let exited = try await lab.serviceEvent { $0.pid == product && $0.event == .exited }
                #expect(exited?.signal == "KILL", "\(String(describing: exited))")
                let restart = try await lab.lab(["restart-service", "--service", "beijing-product"])
                #expect(restart.exitCode == 0, "\(restart.transcript)")
                let restarted = try #require(try lab.pid(of: "beijing-product"))
                #expect(restarted != product)
                #expect(networkNamespace(ofProcess: restarted) == networkNamespace(named: beijingNamespace.name))
                #expect(try lab.serviceEvents().contains { $0.pid == restarted && $0.event == .started })
                let again = try await lab.gateway("/storefront?userId=6000")
                #expect(again.status == 200, "\(again.bodyText)")

                let status = try await lab.lab(["status"])
                #expect(status.stdout.contains(beijingNamespace.name), "\(status.stdout)")
            }
            // withLab ran `lab down`: no namespace, veth, process or pid file is left.
            #expect(!namespaces.isEmpty)
            let list = try await ChildProcess.run([ip, "netns", "list"])
            for namespace in namespaces {
                #expect(!list.stdout.contains(namespace.name), "\(list.stdout)")
                #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(namespace.hostInterface)"))
            }
            for service in services {
                #expect(!FileManager.default.fileExists(atPath: service.pidFile))
                #expect(!LabProcessTable.isAlive(service.pid), "\(service.name) (pid \(service.pid)) still runs")
            }
            #expect(processes(mentioning: runDirectory).isEmpty, "no server and no supervisor is left")
        }

        @Test(.enabled(if: canMakeNamespaces, "needs root and iproute2 to create network namespaces"))
        func downAlsoRemovesTheNamespacesOfACrashedLab() async throws {
            let runDirectory = try TestLab.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: runDirectory) }
            // What a lab killed before its `down` leaves: namespaces and veths, no lab.json.
            let namespaces = LabNamespace.plan(runDirectory: runDirectory)
            try await LabNetwork(namespaces: namespaces).create()
            #expect(namespaces.allSatisfy { FileManager.default.fileExists(atPath: "/run/netns/\($0.name)") })

            let down = try await ChildProcess.run(
                [try GameDayBinary.path, "lab", "down", "--run-dir", runDirectory], timeout: .seconds(30))
            #expect(down.exitCode == 0, "\(down.transcript)")
            for namespace in namespaces {
                #expect(down.stdout.contains("removed network namespace \(namespace.name)"), "\(down.stdout)")
                #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(namespace.name)"))
                #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(namespace.hostInterface)"))
            }
        }

        /// As root the test drops to `nobody` for `lab up`, so the fallback is exercised for real
        /// either way.
        @Test func withoutRootTheLabFallsBackToLoopbackAndNamesWhatIsNotIsolated() async throws {
            try await LabSlots.shared.with {
                let runDirectory = try TestLab.makeTemporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: runDirectory) }
                chmod(runDirectory, 0o777)
                let asNobody =
                    getuid() == 0 ? ["/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"] : []
                let lab = asNobody + [try GameDayBinary.path, "lab"]
                let up = try await ChildProcess.run(
                    lab + [
                        "up", "--run-dir", runDirectory, "--base-port", "0", "--isolation", "netns", "--tied-to",
                        String(getpid()),
                    ], timeout: .seconds(60))
                #expect(up.exitCode == 0, "\(up.transcript)")
                #expect(up.stderr.contains("--isolation netns is not possible here"), "\(up.stderr)")
                #expect(up.stderr.contains("block-port, latency and bandwidth faults would hit every unit"))
                #expect(up.stdout.contains("isolation: loopback (netns not possible: network namespaces need root"))
                // Nothing here may throw before `down`: the lab would be left to its --tied-to watch.
                let manifest = (try? String(contentsOfFile: runDirectory + "/lab.json", encoding: .utf8)) ?? ""
                #expect(manifest.contains("\"isolation\" : \"loopback\""), "\(manifest)")
                let target = (try? String(contentsOfFile: runDirectory + "/target.yaml", encoding: .utf8)) ?? ""
                #expect(target.contains("units:") && !target.contains("netns:"), "\(target)")
                let stopped = try await ChildProcess.run(
                    lab + ["down", "--run-dir", runDirectory], timeout: .seconds(30))
                #expect(stopped.exitCode == 0, "\(stopped.transcript)")
            }
        }
    }
}

/// The inode of a network namespace: equal inodes are the same namespace.
private func networkNamespace(ofProcess pid: pid_t) -> ino_t? { inode("/proc/\(pid)/ns/net") }

private func networkNamespace(named name: String) -> ino_t? { inode("/run/netns/\(name)") }

private func inode(_ path: String) -> ino_t? {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_ino : nil
}

/// `ip`, by absolute path: `ChildProcess` does not search PATH.
private let ip = LabNetwork.ipExecutable() ?? "/usr/sbin/ip"
