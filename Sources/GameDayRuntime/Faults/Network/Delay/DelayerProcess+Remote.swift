import GameDayCore

extension DelayerProcess {
    /// Starts the delayer on the executor's host (an SSH host) in one round trip and returns its
    /// pid there; throws with the delayer's last words when it exits or stays silent instead.
    public func start(_ delay: QueuedDelay, scope: FirewallScope, via executor: any CommandExecutor)
        async throws(DelayerError) -> Int32
    {
        let output: CommandOutput
        do {
            output = try await executor.run(remoteStart(delay, scope: scope), timeout: readyTimeout + .seconds(20))
        } catch {
            throw .notReady("on \(executor.name): \(error.message)")
        }
        let printed = output.stdout.split(whereSeparator: \.isNewline).last.flatMap { Int32($0) }
        guard output.exitCode == 0, !output.timedOut, let pid = printed, pid > 1 else {
            let why =
                output.timedOut
                ? "its start timed out" : output.lastLine.isEmpty ? "exit \(output.exitCode)" : output.lastLine
            throw .notReady("on \(executor.name): \(why)")
        }
        return pid
    }

    /// `sh -c SCRIPT gameday-delayer READY LOG HEARTBEAT TENTHS ARGV...`: the delayer's argv is
    /// passed as arguments and run as `"$@"`, never re-parsed by a shell.
    public func remoteStart(_ delay: QueuedDelay, scope: FirewallScope) -> [String] {
        let (ready, log) = files(scope)
        let tenths = max(1, Int(readyTimeout.milliseconds / 100))
        return [
            "sh", "-c", Self.remoteScript, "gameday-delayer", ready, log, launch.lifeline.heartbeat, String(tenths),
        ]
            + argv(delay, scope: scope, namespace: nil, ready: ready)
    }

    /// Waits (up to 5 s) for the switch's heartbeat, which its loop makes just after the arming
    /// returned: without it the delayer would end at once. Starts the delayer in a session of its
    /// own with no descriptor of the SSH session (which can then end), waits for its ready file
    /// and prints its pid; else prints the log's last line to stderr and fails. `setsid` without a
    /// fork here (a background job of a non-interactive shell leads no group), so `$!` is the delayer.
    static let remoteScript = #"""
        ready=$1; log=$2; hb=$3; tenths=$4; shift 4
        \#(RemoteProcFunctions.definitions)
        tries=0
        while [ ! -e "$hb" ]; do
          tries=$((tries + 1))
          if [ "$tries" -gt 50 ]; then echo "the dead-man's switch's heartbeat $hb is missing: the switch is not armed" >&2; exit 1; fi
          sleep 0.1
        done
        rm -f -- "$ready"
        setsid "$@" </dev/null >"$log" 2>&1 &
        pid=$!
        tries=0
        while [ ! -e "$ready" ]; do
          if ! alive "$pid"; then
            line=$(tail -n 1 -- "$log" 2>/dev/null)
            echo "${line:-it exited without a word (log $log)}" >&2; exit 1
          fi
          tries=$((tries + 1))
          if [ "$tries" -gt "$tenths" ]; then
            kill -TERM "$pid" 2>/dev/null
            echo "it did not bind its queue within $((tenths / 10))s (log $log)" >&2; exit 1
          fi
          sleep 0.1
        done
        rm -f -- "$ready"
        echo "$pid"
        """#
}
