/// Quoting for the remote side of ssh, which hands the command to the login shell as one string.
///
/// ssh joins its command arguments with spaces and the remote shell splits them again, so argv
/// must be quoted into one string that a POSIX shell (sh, dash, bash, zsh, ksh) turns back into
/// exactly the same words. Every word is single-quoted; a `'` inside becomes `'\''` (close the
/// quote, an escaped quote, reopen). Inside single quotes nothing is special, newlines included.
/// csh and fish login shells are not supported: they read quotes differently.
public enum RemoteShell {
    /// One word: `it's` → `'it'\''s'`, the empty word → `''`.
    public static func quote(_ word: String) -> String {
        "'" + word.replacing("'", with: #"'\''"#) + "'"
    }

    /// The whole command line: every word quoted, joined with spaces.
    public static func commandLine(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }
}
