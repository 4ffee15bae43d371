import GameDayCore

extension DrillLoader {
    /// Reads the drill file at `path` from the disk and parses it.
    public static func loadDrill(path: String) throws(DiagnosticsError) -> Drill {
        try loadDrill(path: path, from: LocalFileSystem())
    }

    /// Reads the drill file at `path` from the disk and parses it with `variables` filled in.
    public static func loadDrill(path: String, variables: Variables, usage: inout VariableUsage)
        throws(DiagnosticsError) -> Drill
    {
        try loadDrill(path: path, variables: variables, usage: &usage, from: LocalFileSystem())
    }

    /// Reads the target file at `path` from the disk and parses it; relative paths in it are
    /// resolved against its directory.
    public static func loadTarget(path: String) throws(DiagnosticsError) -> Target {
        try loadTarget(path: path, from: LocalFileSystem())
    }

    /// Reads the target file at `path` from the disk and parses it with `variables` filled in.
    public static func loadTarget(path: String, variables: Variables, usage: inout VariableUsage)
        throws(DiagnosticsError) -> Target
    {
        try loadTarget(path: path, variables: variables, usage: &usage, from: LocalFileSystem())
    }

    /// Reads a var file (`--var-file`) from the disk.
    public static func loadVariables(path: String) throws(DiagnosticsError) -> [Variables.Variable] {
        try loadVariables(path: path, from: LocalFileSystem())
    }
}
