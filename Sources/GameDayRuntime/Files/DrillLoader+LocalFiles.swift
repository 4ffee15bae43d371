import GameDayCore

extension DrillLoader {
    /// Reads the drill file at `path` from the disk and parses it.
    public static func loadDrill(path: String) throws(DiagnosticsError) -> Drill {
        try loadDrill(path: path, from: LocalFileSystem())
    }

    /// Reads the target file at `path` from the disk and parses it; relative paths in it are
    /// resolved against its directory.
    public static func loadTarget(path: String) throws(DiagnosticsError) -> Target {
        try loadTarget(path: path, from: LocalFileSystem())
    }
}
