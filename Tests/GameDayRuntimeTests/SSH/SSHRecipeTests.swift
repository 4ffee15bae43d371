import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Ledger recipes whose steps run on SSH hosts: the recipe runner (the watchdog's and `recover`'s)
/// reaches each host with the unit's ssh settings read from the target file, and `gameday recover`
/// reverts every host still faulted after the runner is gone.
@Suite(
    .serialized, .tags(.sshd), .timeLimit(.minutes(3)),
    .enabled(if: SSHFleet.unavailableReason() == nil, Comment(rawValue: SSHFleet.unavailableReason() ?? "")))
struct SSHRecipeTests {
    /// A target whose unit `beijing` is the fleet's first unit, reached with the fleet's key and known_hosts.
    static func targetFile(_ fleet: SSHFleet) throws -> String {
        let hosts = fleet.hosts(ofUnit: 0).map { "\"\($0.address)\"" }.joined(separator: ", ")
        let yaml = """
            target: fleet
            gateway: { url: "http://127.0.0.1:1" }
            control_plane: { url: "http://127.0.0.1:2" }
            routing: { ranges: [{ from: 0, to: 9999, unit: beijing }] }
            units:
              beijing:
                ssh: { user: root, identity_file: \(fleet.clientKey), known_hosts: \(fleet.knownHosts), connect_timeout: 3s }
                services:
                  product:
                    hosts: [\(hosts)]
                    process: { pid_file: /run/gameday-fleet-product.pid }
            """
        let path = "\(fleet.root)/target.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The recipe of a kill on one host: start the host's service again unless it runs.
    static func restartRecipe(_ host: SSHFleet.Host, target: String) -> RevertRecipe {
        RevertRecipe(
            executor: "ssh:\(host.address)",
            steps: [
                .restartUnlessRunning(
                    argv: [
                        "sh", "-c", "sleep 600 </dev/null >/dev/null 2>&1 & echo $! > \(host.directory)/service.pid",
                    ],
                    locator: .pidFile("\(host.directory)/service.pid"))
            ],
            host: recipeHost(host, target: target))
    }

    @Test func aRecipeRunsOnItsHostAndTwiceIsOnce() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 2) { fleet in
            let target = try Self.targetFile(fleet)
            let host = fleet.hosts[0]
            try await fleet.startService(on: host)
            let before = try #require(fleet.servicePID(of: host))
            kill(before, SIGKILL)
            let runner = RecipeRunner()
            let done = try await runner.run(Self.restartRecipe(host, target: target))
            #expect(done.hasPrefix("restarted as process "), "\(done)")
            #expect(done.hasSuffix(" on ssh:root@\(host.address):22"))
            let after = try #require(fleet.servicePID(of: host))
            #expect(after != before && ProcessTable().isAlive(after))
            let again = try await runner.run(Self.restartRecipe(host, target: target))
            #expect(again == "already running as process \(after) on ssh:root@\(host.address):22")

            // A pause's recipe: SIGCONT to the pids still alive there.
            kill(after, SIGSTOP)
            let resumed = try await runner.run(
                RevertRecipe(
                    executor: "ssh:\(host.address)", steps: [.signal(name: "CONT", pids: [after, 999_999])],
                    host: RecipeHost(target: target, unit: "beijing", host: HostTarget(host: host.address))))
            #expect(resumed == "SIGCONT sent to \(after) on ssh:root@\(host.address):22")
            #expect(ProcessTable().state(of: after) != "T")
        }
    }

    static func recipeHost(_ host: SSHFleet.Host, target: String) -> RecipeHost {
        RecipeHost(target: target, unit: "beijing", host: HostTarget(host: host.address))
    }

    /// A restart over SSH counts as done only once the service answers its health check, as a
    /// restart here does (one step interpreter for both places).
    @Test func aRestartOnAHostWaitsForTheHealthCheck() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            let target = try Self.targetFile(fleet)
            let host = fleet.hosts[0]
            let scratch = try Scratch()
            defer { scratch.cleanUp() }
            let (_, port) = try await scratch.listen(
                setup: ServiceHealthTests.server(failures: 2), serve: "s.serve_forever()")
            let health = HealthWait(url: "http://127.0.0.1:\(port)/health", timeout: .seconds(30))
            var recipe = Self.restartRecipe(host, target: target)
            guard case .restartUnlessRunning(let argv, let locator, _) = recipe.steps[0] else { return }
            recipe.steps = [.restartUnlessRunning(argv: argv, locator: locator, health: health)]
            let done = try await RecipeRunner().run(recipe)
            #expect(done.hasPrefix("restarted as process "), "\(done)")
            #expect(done.hasSuffix(" on ssh:root@\(host.address):22, healthy (\(health.url): 200)"), "\(done)")

            let never = HealthWait(url: "http://127.0.0.1:1/health", timeout: .milliseconds(300))
            recipe.steps = [.restartUnlessRunning(argv: argv, locator: locator, health: never)]
            let error = await #expect(throws: RecipeError.self) { try await RecipeRunner().run(recipe) }
            #expect(error?.message.hasPrefix("already running as process ") == true, "\(String(describing: error))")
            #expect(error?.message.contains(", but it did not answer its health check") == true)
        }
    }

    /// A terminate step over SSH ends the process there and proves it gone; again, it has nothing to do.
    @Test func aTerminateOnAHostEndsTheProcessAndProvesItGone() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            let target = try Self.targetFile(fleet)
            let host = fleet.hosts[0]
            try await fleet.startService(on: host)
            let pid = try #require(fleet.servicePID(of: host))
            let recipe = RevertRecipe(
                executor: "ssh:\(host.address)",
                steps: [
                    .terminate(locator: .pidFile("\(host.directory)/service.pid"), what: "the service", graceSeconds: 1)
                ],
                host: Self.recipeHost(host, target: target))
            let done = try await RecipeRunner().run(recipe)
            #expect(done == "the service (process \(pid)) ended on ssh:root@\(host.address):22")
            #expect(!ProcessTable().isAlive(pid))
            let again = try await RecipeRunner().run(recipe)
            #expect(again == "the service already gone on ssh:root@\(host.address):22")
        }
    }

    /// The same SIGCONT proof as here: the remote view sees a stopped process resume.
    @Test func theRemoteViewWaitsForAStoppedProcessToResume() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            let host = fleet.hosts[0]
            try await fleet.startService(on: host)
            let pid = try #require(fleet.servicePID(of: host))
            let view = RemoteProcesses(executor: fleet.executor(host))
            kill(pid, SIGSTOP)
            #expect(try await view.waitUntil(.resumed, [pid], within: .milliseconds(300)) == [pid])
            #expect(try await view.alive([pid, 999_999]) == [pid])
            kill(pid, SIGCONT)
            #expect(try await view.waitUntil(.resumed, [pid], within: .seconds(3)) == [])
            kill(pid, SIGKILL)
            #expect(try await view.waitUntil(.gone, [pid], within: .seconds(3)) == [])
        }
    }

    /// The runner is gone with five hosts faulted: `gameday recover` reads the ledger and brings
    /// every host back, and a second recover has nothing left to do.
    @Test func recoverReachesEveryHostStillFaulted() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 5) { fleet in
            let target = try Self.targetFile(fleet)
            let state = "\(fleet.root)/state"
            let ledger = FileLedger(
                store: LedgerStore(stateDirectory: state), runId: "0badc0de", target: "fleet", watchdog: nil)
            var before: [Int32] = []
            for host in fleet.hosts {
                try await fleet.startService(on: host)
                let ticket = try await ledger.intend(
                    "fault product-down on \(host.address)", unit: "beijing",
                    recipe: Self.restartRecipe(host, target: target))
                let pid = try #require(fleet.servicePID(of: host))
                kill(pid, SIGKILL)
                await ledger.applied(ticket)
                before.append(pid)
            }
            let binary = try GameDayBinary.path
            let recover = try await ChildProcess.run(
                [binary, "recover", "--state-dir", state, "--target", target], timeout: .seconds(120))
            #expect(recover.exitCode == 0, "\(recover.transcript)")
            for host in fleet.hosts {
                let pid = try #require(fleet.servicePID(of: host))
                #expect(!before.contains(pid) && ProcessTable().isAlive(pid), "\(host.address) is still faulted")
                #expect(recover.stdout.contains("on ssh:root@\(host.address):22"), "\(recover.stdout)")
            }
            #expect(LedgerStore(stateDirectory: state).pending(target: "fleet").isEmpty)
            let twice = try await ChildProcess.run([binary, "recover", "--state-dir", state, "--target", target])
            #expect(twice.exitCode == 0, "\(twice.transcript)")
        }
    }
}
