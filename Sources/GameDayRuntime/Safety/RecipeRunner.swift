import Foundation
import GameDayCore

/// Undoes what a ledger entry recorded, without the run that recorded it: the watchdog,
/// `gameday recover`, and the runner for a fault that half-applied all come here.
public struct RecipeRunner: Sendable {
    public var transport: any HTTPTransport
    public var processes: ProcessTable
    /// The executor a recipe names (`local`, `netns:NAME`).
    public var executor: @Sendable (String) throws -> any CommandExecutor

    public init(
        transport: any HTTPTransport = CurlHTTPClient(), processes: ProcessTable = ProcessTable(),
        executor: @escaping @Sendable (String) throws -> any CommandExecutor = RecipeRunner.executor(named:)
    ) {
        self.transport = transport
        self.processes = processes
        self.executor = executor
    }

    /// The executors this host offers, by the name a recipe records.
    public static func executor(named name: String) throws -> any CommandExecutor {
        // `k8s`: kubectl steps, which run kubectl on this host.
        if name == "local" || name == "k8s" { return LocalExecutor() }
        if name.hasPrefix("netns:"), let executor = try? NetnsExecutor(namespace: String(name.dropFirst(6))) {
            return executor
        }
        throw RecipeError("this gameday cannot run commands on executor '\(name)'")
    }

    /// Runs every step; returns what was done. Throws at the first step that fails.
    public func run(_ recipe: RevertRecipe) async throws -> String {
        let perHost: [(RecipeHost, [RevertRecipe.Step])] = recipe.steps.compactMap { step in
            if case .onHost(let host, let steps) = step { (host, steps) } else { nil }
        }
        if !perHost.isEmpty, perHost.count == recipe.steps.count { return try await run(onHosts: perHost) }
        let executor: any CommandExecutor
        if let host = recipe.host {
            executor = try Self.sshExecutor(for: host)
        } else {
            executor = try self.executor(recipe.executor)
        }
        let view: any ProcessView = recipe.host == nil ? processes : RemoteProcesses(executor: executor)
        var done: [String] = []
        for step in recipe.steps {
            done.append(try await run(step, executor: executor, view: view))
        }
        return done.isEmpty ? "nothing to undo" : done.joined(separator: "; ")
    }

    /// A fault on many hosts: every host is tried, in parallel, whatever the others do; the error
    /// names every host that could not be reverted.
    private func run(onHosts perHost: [(RecipeHost, [RevertRecipe.Step])]) async throws -> String {
        let outcomes = await withTaskGroup(of: (Int, Result<String, any Error>).self) { group in
            for (index, (host, steps)) in perHost.enumerated() {
                group.addTask {
                    do {
                        return (
                            index,
                            .success(
                                try await run(.onHost(host, steps: steps), executor: LocalExecutor(), view: processes))
                        )
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var outcomes: [(Int, Result<String, any Error>)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var done: [String] = []
        var failed: [String] = []
        for (outcome, (host, _)) in zip(outcomes, perHost) {
            switch outcome {
            case .success(let text): done.append(text)
            case .failure(let error): failed.append("\(host.host): \(error)")
            }
        }
        guard failed.isEmpty else {
            throw RecipeError(
                "\(failed.count) of \(perHost.count) host(s) not reverted: \(failed.joined(separator: "; "))"
                    + (done.isEmpty ? "" : " (done elsewhere: \(done.joined(separator: "; ")))"))
        }
        return done.joined(separator: "; ")
    }

    /// An executor for a recipe's host, with the unit's ssh settings read from the target file as
    /// it is now (one connection per command: nothing is left open by a watchdog).
    public static func sshExecutor(for recipeHost: RecipeHost) throws -> SSHExecutor {
        let target = try DrillLoader.loadTarget(path: recipeHost.target)
        guard let unit = target.unit(named: recipeHost.unit) else {
            throw RecipeError("unit \(recipeHost.unit) is no longer in \(recipeHost.target)")
        }
        return try SSHExecutor(host: recipeHost.host, ssh: unit.ssh ?? SSHTarget())
    }

    /// Runs one step with `executor`; process steps look at the processes through `view`, this
    /// host's or the SSH host's, with the same proofs in both places.
    private func run(_ step: RevertRecipe.Step, executor: any CommandExecutor, view: any ProcessView)
        async throws -> String
    {
        switch step {
        case .command(let argv, let okExitCodes):
            let output = try await executor.run(argv, timeout: .seconds(30))
            guard output.exitCode == 0 || okExitCodes.contains(output.exitCode), !output.timedOut else {
                throw RecipeError("\(argv.joined(separator: " ")) failed (exit \(output.exitCode)): \(output.lastLine)")
            }
            return argv.joined(separator: " ")
        case .restartUnlessRunning(let argv, let locator, let health):
            return try await restart(argv, locator: locator, health: health, executor: executor, view: view)
        case .signal(let name, let pids):
            return try await signal(name, to: pids, executor: executor, view: view)
        case .terminate(let locator, let what, let graceSeconds):
            return try await terminate(
                locator, what: what, grace: .seconds(graceSeconds), executor: executor, view: view)
        case .removePortBlock(let block, let scope, let backend):
            let blocker = PortBlocker(executor: executor)
            let applied = AppliedPortBlock(block: block, scope: scope, backend: backend, commands: [], effect: "")
            let counters = (try? await blocker.counters(applied)).map { " (it \(block.matchedVerb) \($0))" } ?? ""
            do {
                return try await blocker.revert(applied) + counters
            } catch {
                throw RecipeError(error.description)
            }
        case .proxy(let url, let proxy, let toxic):
            do {
                return try await ProxyFaultDriver.undo(
                    ToxiproxyClient(url: url, transport: transport), proxy: proxy, toxic: toxic)
            } catch {
                throw RecipeError(error.message)
            }
        case .restoreQdiscs(let original):
            do {
                return try await TrafficShaper(executor: executor).restore(original)
            } catch {
                throw RecipeError(error.description)
            }
        case .cutback(let drillPath, let targetPath):
            return try await cutback(drillPath: drillPath, targetPath: targetPath)
        case .onHost(let host, let steps):
            let remote = try Self.sshExecutor(for: host)
            var done: [String] = []
            let there = RemoteProcesses(executor: remote)
            for step in steps { done.append(try await run(step, executor: remote, view: there)) }
            return done.isEmpty ? "nothing to undo on \(remote.name)" : done.joined(separator: "; ")
        case .at(let place, let steps):
            var done: [String] = []
            for step in steps { done.append(try await run(step, executor: executor, view: view)) }
            return done.isEmpty ? "nothing to undo at \(place)" : done.joined(separator: "; ")
        case .kubectl(let argv, let alreadyDone, let doneWhen):
            return try await PodRecipe(base: LocalExecutor()).run(
                .command(
                    argv, alreadyDone: alreadyDone, doneWhen: Set(doneWhen.compactMap(KubectlFailure.init(rawValue:)))))
        case .awaitPods(let argv, let count, let excludingUIDs, let timeoutSeconds):
            return try await PodRecipe(base: LocalExecutor()).run(
                .awaitServing(argv, count: count, excludingUIDs: Set(excludingUIDs)),
                timeout: .seconds(timeoutSeconds))
        case .http(let method, let url, let body, let okStatuses):
            let request = HTTPRequest(
                method: method, url: url, headers: body == nil ? [] : [("Content-Type", "application/json")],
                body: body.map { Array($0.utf8) }, timeout: .seconds(10))
            let response = try await transport.send(request)
            guard okStatuses.contains(response.status) else {
                throw RecipeError("\(method) \(url) answered \(response.status): \(response.bodyText.prefix(200))")
            }
            return "\(method) \(url) → \(response.status)"
        }
    }

    /// Sends the drill's cut-back again, reading the drill, the target and the token afresh.
    private func cutback(drillPath: String, targetPath: String) async throws -> String {
        let drill = try DrillLoader.loadDrill(path: drillPath)
        let target = try DrillLoader.loadTarget(path: targetPath)
        guard let spec = drill.rollback.cutback else { return "the drill has no cut-back" }
        let environment: @Sendable (String) -> String? = { ProcessInfo.processInfo.environment[$0] }
        let token = try target.controlPlane.token?.read(
            environment: environment, files: LocalFileSystem())
        let context = TemplateContext.run(
            drill: drill, target: target, runId: "recover", token: token, environment: environment)
        let client = CutoverClient(
            transport: transport, commands: LocalExecutor(), clock: ContinuousRunClock(),
            redact: { context.redact($0) })
        let record = await client.execute(spec, context: context)
        guard record.succeeded else {
            throw RecipeError("could not cut back: \(Self.cutbackWording(record.error ?? "no reason given"))")
        }
        return "routing cut back" + (record.id.map { " (\($0))" } ?? "")
    }

    /// `CutoverClient` words its errors for the cut-over it usually sends; here it sent the cut-back,
    /// and the watchdog's log and `recover` must not say the cut-over failed. Only the client's own
    /// phrases are reworded, never what the control plane answered.
    static func cutbackWording(_ error: String) -> String {
        let phrases = [
            ("the control plane reports the cut-over ", "the control plane reports the cut-back "),
            ("the cut-over was not done after ", "the cut-back was not done after "),
            ("could not build the cut-over request", "could not build the cut-back request"),
            ("the cut-over command ", "the cut-back command "),
            ("could not build the cut-over command", "could not build the cut-back command"),
        ]
        for (cutover, cutback) in phrases where error.hasPrefix(cutover) {
            return cutback + error.dropFirst(cutover.count)
        }
        return error
    }
}

/// Why a recipe could not be run.
public struct RecipeError: Error, LocalizedError, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
    public var errorDescription: String? { message }
}
