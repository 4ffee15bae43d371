import GameDayCore

/// The plan's variables: each name, its value as it was filled in (`***` for a secret) and where
/// it was given, so a person sees which environment the plan is for.
struct VariableLines {
    let variables: Variables

    /// `variables (filled in when the files were read):` and one line per variable; none without any.
    func render() -> [String] {
        guard !variables.isEmpty else { return [] }
        let width = variables.names.map(\.count).max() ?? 0
        return ["variables (filled in when the files were read):"]
            + variables.all.map { variable in
                let name = variable.name.padding(toLength: width, withPad: " ", startingAt: 0)
                return "   \(name) = \(Self.value(variable))   (from \(variable.origin))"
            }
    }

    /// `plan` with the variables after its first line (the drill and target it is for).
    func added(to plan: String) -> String {
        let lines = render()
        guard !lines.isEmpty else { return plan }
        var planLines = plan.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        planLines.insert(contentsOf: lines, at: min(1, planLines.count))
        return planLines.joined(separator: "\n")
    }

    /// A typed value as written (`9300`, `beijing`); a string-only or empty one quoted; a secret `***`.
    private static func value(_ variable: Variables.Variable) -> String {
        if variable.isSecret { return RenderedString.mask }
        return variable.isTyped && !variable.value.isEmpty ? variable.value : JSONText.quote(variable.value)
    }
}
