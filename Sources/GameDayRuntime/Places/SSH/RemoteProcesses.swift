import GameDayCore

/// Another host's processes, seen over SSH: found by `RemoteProcessFinder`, watched by a POSIX
/// `sh` loop reading `/proc` there (one round trip per wait).
public struct RemoteProcesses: ProcessView {
    public let executor: any CommandExecutor

    public init(executor: any CommandExecutor) { self.executor = executor }

    public var location: String? { executor.name }

    public func find(_ locator: ProcessLocator) async throws(FaultError) -> [Int32] {
        try await RemoteProcessFinder(executor: executor).find(locator)
    }

    public func waitUntil(_ condition: ProcessCondition, _ pids: [Int32], within timeout: Duration) async throws
        -> [Int32]
    {
        guard !pids.isEmpty else { return [] }
        let tenths = Int(timeout.milliseconds / 100)
        let output = try await executor.run(
            ["sh", "-c", Self.script, "gameday-wait", condition.rawValue, String(tenths)] + pids.map(String.init),
            timeout: timeout + .seconds(20))
        guard output.exitCode == 0, !output.timedOut else {
            throw RecipeError(
                "cannot watch process \(pids.map(String.init).joined(separator: ", ")) on \(executor.name) "
                    + "(\(output.timedOut ? "timed out" : "exit \(output.exitCode)")): \(output.lastLine)")
        }
        return output.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
    }

    /// `sh -c SCRIPT gameday-wait CONDITION TENTHS PID...`: prints the pids for which the
    /// condition never held within TENTHS tenths of a second.
    static let script = #"""
        want=$1; tenths=$2; shift 2
        \#(RemoteProcFunctions.definitions)
        tries=0
        while :; do
          left=""
          for p; do
            case $want in
            gone) alive "$p" && left="$left $p";;
            resumed) [ "$(state_of "$p")" = T ] && left="$left $p";;
            esac
          done
          if [ -z "$left" ] || [ "$tries" -ge "$tenths" ]; then break; fi
          tries=$((tries + 1)); set -- $left; sleep 0.1
        done
        echo $left
        """#
}
