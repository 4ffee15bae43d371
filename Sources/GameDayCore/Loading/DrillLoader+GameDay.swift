import Yams

extension DrillLoader {
    /// What a drill-or-game-day argument names: `gameday run` and `plan` take either.
    public enum FileKind: Sendable, Equatable {
        case drill, gameDay
    }

    /// A game-day file has `gameday:` at its top; anything else is read as a drill (whose errors then say what is wrong).
    public static func kind(ofFileAt path: String, from files: any FileSystem) -> FileKind {
        guard let text = try? read(path, from: files), let document = try? YAMLDocument.compose(text, file: path),
            case .mapping(let mapping)? = document.root
        else { return .drill }
        return mapping.keys.contains { $0.string == "gameday" } ? .gameDay : .drill
    }

    /// Reads and parses the game-day file at `path`, with `variables` filled into it.
    public static func loadGameDay(
        path: String, variables: Variables, usage: inout VariableUsage, from files: any FileSystem
    ) throws(DiagnosticsError) -> GameDayPlan {
        try parseGameDay(yaml: read(path, from: files, usage: &usage), file: path, variables: variables, usage: &usage)
    }

    /// Parses a game day from YAML text; `file` names it in diagnostics and anchors its drills' paths.
    public static func parseGameDay(
        yaml: String, file: String, variables: Variables = Variables()
    ) throws(DiagnosticsError) -> GameDayPlan {
        var usage = VariableUsage()
        return try parseGameDay(yaml: yaml, file: file, variables: variables, usage: &usage)
    }

    public static func parseGameDay(
        yaml: String, file: String, variables: Variables, usage: inout VariableUsage
    ) throws(DiagnosticsError) -> GameDayPlan {
        try parse(yaml, file: file, kind: "gameday", variables: variables, usage: &usage) {
            GameDayReader(reader: $0).gameDay($1)
        }
    }

    /// A game day and every drill it names, each read with its variables (the entry's over the game
    /// day's over the command line's) and checked against `target` when there is one; every problem of
    /// every file at once. A variable of an entry that its drill never uses is an error at the entry;
    /// one of the game day that no drill uses, at the game day's `vars:`. `usage` gains every name the
    /// files used, for the caller to report the command line's unused variables.
    public static func loadGameDay(
        path: String, target: Target?, variables: Variables, usage: inout VariableUsage, from files: any FileSystem
    ) -> (plan: GameDayPlan?, drills: [Drill], diagnostics: [Diagnostic]) {
        let plan: GameDayPlan
        do {
            plan = try loadGameDay(path: path, variables: variables, usage: &usage, from: files)
        } catch {
            return (nil, [], error.diagnostics)
        }
        var diagnostics: [Diagnostic] = []
        var drills: [Drill] = []
        var common = variables
        for variable in plan.variables { common.add(variable) }
        var drillsUsage = VariableUsage()
        for entry in plan.entries {
            var own = common
            for variable in entry.variables { own.add(variable) }
            var entryUsage = VariableUsage()
            do {
                let drill = try loadDrill(path: entry.drill, variables: own, usage: &entryUsage, from: files)
                if let target { diagnostics += DrillValidator.check(drill, against: target) }
                drills.append(drill)
            } catch {
                diagnostics += error.diagnostics
            }
            diagnostics += Variables(entry.variables).unused(entryUsage)
            drillsUsage.names.formUnion(entryUsage.names)
            if !entryUsage.isComplete { drillsUsage.isComplete = false }
        }
        diagnostics += Variables(plan.variables).unused(drillsUsage)
        usage.names.formUnion(drillsUsage.names)
        if !drillsUsage.isComplete { usage.isComplete = false }
        var seen = Set<Diagnostic>()
        return (plan, drills, diagnostics.filter { seen.insert($0).inserted })
    }
}
