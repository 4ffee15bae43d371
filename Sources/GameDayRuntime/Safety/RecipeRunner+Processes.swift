import GameDayCore

// MARK: - Process steps

/// The steps that look at processes, interpreted once for every place: `view` is this host's
/// `/proc` or an SSH host's, and the signals go through the place's executor, so a revert over
/// SSH proves what a revert here proves (a restart answers its health check, SIGCONT leaves no
/// process stopped, a terminated process is gone).
extension RecipeRunner {
    /// Runs `argv` unless `locator` finds a process; then waits for `health`, if any.
    func restart(
        _ argv: [String], locator: ProcessLocator, health: HealthWait?, executor: any CommandExecutor,
        view: any ProcessView
    ) async throws -> String {
        let place = Self.place(view)
        let done: String
        if let running = try? await view.find(locator) {
            done = "already running as process \(Self.list(running))\(place)"
        } else {
            let output = try await executor.run(argv, timeout: .seconds(60))
            guard output.exitCode == 0, !output.timedOut else {
                throw RecipeError(
                    "the restart command \(output.timedOut ? "timed out" : "failed with exit \(output.exitCode)")\(place): "
                        + "\(output.lastLine); start the service by hand\(place) with: \(argv.joined(separator: " "))")
            }
            let pids = try await view.find(locator)
            done = "restarted as process \(Self.list(pids))\(place)"
        }
        guard let health else { return done }
        do {
            return "\(done), \(try await ServiceHealth.wait(health))"
        } catch {
            throw RecipeError("\(done), but \(error.message)")
        }
    }

    /// Sends `name` to those of `pids` still alive; after SIGCONT, proves none is still stopped.
    func signal(_ name: String, to pids: [Int32], executor: any CommandExecutor, view: any ProcessView)
        async throws -> String
    {
        let place = Self.place(view)
        let alive = try await view.alive(pids)
        guard !alive.isEmpty else { return "no process left to send SIG\(name)\(place)" }
        _ = try await executor.run(["kill", "-s", name] + alive.map(String.init), timeout: .seconds(10))
        if name == "CONT" {
            // Proven like the pause: every process that still exists has left the stopped state.
            let stopped = try await view.waitUntil(.resumed, alive, within: .seconds(3))
            guard stopped.isEmpty else {
                throw RecipeError("process \(Self.list(stopped)) is still stopped after SIGCONT\(place)")
            }
        }
        return "SIG\(name) sent to \(Self.list(alive))\(place)"
    }

    /// SIGTERM to what `locator` finds, SIGKILL to what is left after `grace`; proven gone.
    func terminate(
        _ locator: ProcessLocator, what: String, grace: Duration, executor: any CommandExecutor,
        view: any ProcessView
    ) async throws -> String {
        let place = Self.place(view)
        guard let pids = try? await view.find(locator), !pids.isEmpty else { return "\(what) already gone\(place)" }
        _ = try await executor.run(["kill", "-s", "TERM"] + pids.map(String.init), timeout: .seconds(10))
        var left = try await view.waitUntil(.gone, pids, within: grace)
        if !left.isEmpty {
            _ = try await executor.run(["kill", "-s", "KILL"] + left.map(String.init), timeout: .seconds(10))
            left = try await view.waitUntil(.gone, left, within: .seconds(2))
        }
        guard left.isEmpty else {
            throw RecipeError("\(what) (process \(Self.list(left))) outlived SIGKILL\(place)")
        }
        return "\(what) (process \(Self.list(pids))) ended\(place)"
    }

    /// ` on ssh:root@host:22` for another host's processes; nothing for this host's.
    private static func place(_ view: any ProcessView) -> String {
        view.location.map { " on \($0)" } ?? ""
    }

    private static func list(_ pids: [Int32]) -> String {
        pids.map(String.init).joined(separator: ", ")
    }
}
