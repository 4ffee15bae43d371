/// The POSIX `sh` functions every script run on another host uses to read its `/proc`: a
/// process's state letter, its parent, and whether it is alive (neither a zombie nor being torn
/// down, like `ProcessTable.isLive`). They use the variable `s`.
enum RemoteProcFunctions {
    static let definitions = #"""
        state_of() { sed 's/.*) \([A-Za-z]\).*/\1/' "/proc/$1/stat" 2>/dev/null; }
        ppid_of() { sed 's/.*) [A-Za-z] \([0-9]*\).*/\1/' "/proc/$1/stat" 2>/dev/null; }
        alive() { s=$(state_of "$1") && [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]; }
        """#
}
