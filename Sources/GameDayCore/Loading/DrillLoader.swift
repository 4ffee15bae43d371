// TEMPORARY STUB until the loader branch lands.
public enum DrillLoader {
    public static func loadDrill(path: String) throws(DiagnosticsError) -> Drill { fatalError() }
    public static func loadTarget(path: String) throws(DiagnosticsError) -> Target { fatalError() }
}
public enum DrillValidator {
    public static func check(_ drill: Drill, against target: Target) -> [Diagnostic] { [] }
}
