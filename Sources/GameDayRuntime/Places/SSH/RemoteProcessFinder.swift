import GameDayCore

/// Finds a service's processes on another host, with the same rules as `ProcessTable.find` here:
/// a pid file's process, processes by name (`/proc/PID/comm`), by a fragment of the command line, or
/// the listener on a TCP port; never a zombie, never the finder's own shell or its ancestors (the
/// sshd session carrying it).
///
/// One round trip: a POSIX `sh` script reading `/proc` (and `ss` for a port). The value to look for
/// travels as octal escapes (`\160\162…`) decoded by `printf %b` on the host, so a command-line
/// fragment never appears in the finder's own command line and cannot match it.
public struct RemoteProcessFinder: Sendable {
    public let executor: any CommandExecutor
    public var timeout: Duration = .seconds(20)

    public init(executor: any CommandExecutor) { self.executor = executor }

    public func find(_ locator: ProcessLocator) async throws(FaultError) -> [Int32] {
        let output: CommandOutput
        do {
            output = try await executor.run(Self.command(for: locator), timeout: timeout)
        } catch {
            throw FaultError("cannot look for \(ProcessTable.describe(locator)) on \(executor.name): \(error.message)")
        }
        guard output.exitCode == 0 else {
            let why = output.lastLine.isEmpty ? "exit \(output.exitCode)" : output.lastLine
            throw FaultError("on \(executor.name): \(why)")
        }
        let pids = output.stdout.split(whereSeparator: \.isNewline).compactMap { Int32($0) }
        guard !pids.isEmpty else {
            throw FaultError("no running process matches \(ProcessTable.describe(locator)) on \(executor.name)")
        }
        return pids
    }

    /// The argv that prints the matching pids, one per line.
    public static func command(for locator: ProcessLocator) -> [String] {
        let (kind, value): (String, String) =
            switch locator {
            case .pidFile(let path): ("pid_file", path)
            case .name(let name): ("name", name)
            case .commandLine(let fragment): ("cmdline", fragment)
            case .port(let port): ("port", String(port))
            }
        return ["sh", "-c", script, "gameday-find", kind, octal(value)]
    }

    /// Every byte as `\ooo`, which `printf %b` turns back into the byte.
    public static func octal(_ text: String) -> String {
        text.utf8.map { byte in
            let digits = String(byte, radix: 8)
            return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
        }.joined()
    }

    static let script = #"""
        kind=$1; value=$(printf '%b_' "$2"); value=${value%_}
        \#(RemoteProcFunctions.definitions)
        own=" "; p=$$
        while [ -n "$p" ] && [ "$p" -gt 1 ]; do own="$own$p "; p=$(ppid_of "$p"); done
        emit() { case "$own" in *" $1 "*) ;; *) alive "$1" && echo "$1";; esac; return 0; }
        case $kind in
        pid_file)
          pid=$(cat -- "$value" 2>/dev/null) || { echo "the pid file $value cannot be read (is the service running?)" >&2; exit 2; }
          pid=$(echo $pid)
          case $pid in ''|*[!0-9]*) echo "the pid file $value does not hold a process id" >&2; exit 2;; esac
          [ "$pid" -gt 1 ] || { echo "the pid file $value does not hold a process id" >&2; exit 2; }
          alive "$pid" || { echo "the pid file $value names process $pid, which is not running" >&2; exit 2; }
          emit "$pid";;
        name)
          for d in /proc/[0-9]*; do [ "$(cat "$d/comm" 2>/dev/null)" = "$value" ] && emit "${d#/proc/}"; done;;
        cmdline)
          for d in /proc/[0-9]*; do
            cmd=$(tr '\000' ' ' < "$d/cmdline" 2>/dev/null) || continue
            case $cmd in *"$value"*) emit "${d#/proc/}";; esac
          done;;
        port)
          command -v ss >/dev/null || { echo "ss (iproute2) is not installed: cannot find the listener on port $value" >&2; exit 2; }
          ss -Htlnp "sport = :$value" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un | while read -r pid; do emit "$pid"; done;;
        *) echo "unknown locator $kind" >&2; exit 2;;
        esac
        exit 0
        """#
}
