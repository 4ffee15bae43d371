import GameDayCore

/// The dead-man's switch a fault leaves on a remote host before it is applied: a detached shell
/// loop on the host that runs the fault's revert by itself when the runner's heartbeat file there
/// has not been touched for `timeout`, so a runner that is killed, loses the network or loses its
/// machine still leaves the host clean. The runner touches the file (`heartbeatCommand`, one round
/// trip over the multiplexed connection) while it runs, and disarms the switch once it has reverted
/// the fault itself.
///
/// Only POSIX `sh`, `date`, `stat`, `setsid` and `sleep` are needed on the host (no `at` daemon).
/// The switch keeps its state in `<heartbeat>.state`: `armed`, then `fired` or `fired-failed <code>`
/// (left on the host as evidence), read by `stateCommand`; a disarmed switch leaves no file.
///
/// Time is checked once a second against the file's modification time, both in whole seconds; the
/// switch fires when more than `timeout` whole seconds have passed, so never sooner than `timeout`
/// after the last heartbeat (a heartbeat at 10.99 s reads as 10 s) and at most about 2 s later.
public struct RemoteDeadMansSwitch: Sendable, Hashable {
    /// The heartbeat file on the host; the state file and the disarm flag sit beside it.
    public let heartbeat: String
    public let timeout: Duration

    /// - Parameters:
    ///   - directory: a directory on the host that exists and is writable (`/tmp`, `/run/gameday`).
    ///   - id: unique per run, fault and host, e.g. `a1b2c3d4-product-down`: letters, digits, `.`, `_`, `-`.
    ///   - timeout: at least 2 s (the loop's resolution is 1 s).
    public init(directory: String, id: String, timeout: Duration) throws(SSHError) {
        guard directory.hasPrefix("/"), !directory.contains("\n"), !directory.contains("\0") else {
            throw SSHError.invalidSwitch("the switch's directory must be an absolute path, not '\(directory)'")
        }
        guard !id.isEmpty, id.count <= 128, !id.hasPrefix("-"),
            id.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789._-".unicodeScalars.contains($0))
            })
        else {
            throw SSHError.invalidSwitch(
                "the switch's id may hold only ASCII letters, digits, '.', '_' and '-', not '\(id)'")
        }
        guard timeout >= .seconds(2) else {
            throw SSHError.invalidSwitch(
                "the switch's timeout must be at least 2s, not \(DurationText.format(timeout))")
        }
        let trimmed = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        heartbeat = "\(trimmed)/gameday-switch-\(id).heartbeat"
        self.timeout = timeout
    }

    /// Whole seconds, rounded up.
    public var timeoutSeconds: Int {
        let (seconds, attoseconds) = timeout.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    /// The loop, run as `sh -c LOOP gameday-switch HEARTBEAT SECONDS REVERT...`: the revert's argv is
    /// passed as arguments and run as `"$@"`, never re-parsed by a shell.
    static let loop = """
        hb=$1; timeout=$2; shift 2
        touch "$hb" && echo armed > "$hb.state" || exit 1
        while :; do
          if [ -e "$hb.disarmed" ]; then rm -f "$hb" "$hb.disarmed" "$hb.state"; exit 0; fi
          now=$(date +%s); last=$(stat -c %Y "$hb" 2>/dev/null || echo 0)
          if [ $((now - last)) -gt "$timeout" ]; then
            "$@" </dev/null >/dev/null 2>&1; code=$?
            if [ "$code" -eq 0 ]; then echo fired > "$hb.state"; else echo "fired-failed $code" > "$hb.state"; fi
            rm -f "$hb"; exit 0
          fi
          sleep 1
        done
        """

    /// Arms the switch: starts the loop detached from the SSH session (its own session, no open
    /// descriptors) and prints its pid. Run it before the fault is applied.
    public func armCommand(revert: [String]) throws(SSHError) -> [String] {
        guard !revert.isEmpty else { throw SSHError.invalidSwitch("a switch needs a revert command") }
        return [
            "sh", "-c", #"setsid sh -c "$0" gameday-switch "$@" </dev/null >/dev/null 2>&1 & echo $!"#, Self.loop,
            heartbeat, String(timeoutSeconds),
        ] + revert
    }

    /// Touches the heartbeat; `-c` so that a switch that already fired is not re-created as a file.
    public var heartbeatCommand: [String] { ["touch", "-c", "--", heartbeat] }

    /// Tells the loop to end without reverting (the runner reverted the fault itself); nothing when
    /// the switch has already fired (no heartbeat file: no loop left to read the flag).
    public var disarmCommand: [String] {
        ["sh", "-c", #"[ -e "$0" ] && touch -- "$0.disarmed"; exit 0"#, heartbeat]
    }

    /// Prints the switch's state: `armed`, `fired`, `fired-failed <code>`, or nothing when it was
    /// never armed or was disarmed.
    public var stateCommand: [String] { ["sh", "-c", #"cat -- "$0.state" 2>/dev/null || true"#, heartbeat] }
}
