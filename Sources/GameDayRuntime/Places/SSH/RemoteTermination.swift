import GameDayCore

/// Ends the processes a locator finds on another host: SIGTERM, then SIGKILL to those left after a
/// grace period; prints the pids it found (nothing when none runs, which is not a failure) and exits
/// 1 when one outlives SIGKILL. Safe to run any number of times: what a dead-man's switch runs, and
/// what a ledger recipe's `.terminate` step runs over SSH.
///
/// The processes are found by `RemoteProcessFinder`, not by `pkill -f PATTERN`: the pattern would
/// match the command lines of the shells carrying it (the switch's loop holds the whole revert in
/// its arguments) and end them too; the finder's value travels octal-escaped and it skips its own
/// ancestors.
public enum RemoteTermination {
    /// `sh -c SCRIPT gameday-terminate GRACE FINDER...`; POSIX sh, `sed`, `kill` and a `sleep`
    /// that takes fractions (GNU coreutils, busybox).
    public static func command(for locator: ProcessLocator, graceSeconds: Int) -> [String] {
        ["sh", "-c", script, "gameday-terminate", String(max(0, graceSeconds))]
            + RemoteProcessFinder.command(for: locator)
    }

    static let script = #"""
        grace=$1; shift
        \#(RemoteProcFunctions.definitions)
        pids=$("$@") || exit 2
        pids=$(echo $pids)
        [ -n "$pids" ] || exit 0
        kill -TERM $pids 2>/dev/null
        left=$pids; tries=0; limit=$((grace * 10))
        while :; do
          still=""; for p in $left; do alive "$p" && still="$still $p"; done; left=$still
          [ -z "$left" ] && break
          tries=$((tries + 1))
          if [ "$tries" -ge "$limit" ]; then kill -KILL $left 2>/dev/null; fi
          if [ "$tries" -gt $((limit + 20)) ]; then echo "$pids"; echo "process$left outlived SIGKILL" >&2; exit 1; fi
          sleep 0.1
        done
        echo "$pids"
        """#
}
