import ArgumentParser
import GameDayCore
import GameDayRuntime

/// `--var NAME=VALUE` and `--var-file FILE.yaml`: the values of `{{vars.NAME}}` in the files a
/// command reads (`run`, `plan`, `validate`).
struct VariableOptions: ParsableArguments {
    @Option(
        name: .customLong("var"),
        help: ArgumentHelp(
            "Fill {{vars.NAME}} in the drill and target with VALUE (repeatable; wins over --var-file).",
            valueName: "NAME=VALUE"),
        transform: { text in try VariableOptions.assignment(text) })
    var assignments: [Variables.Variable] = []

    @Option(
        name: .customLong("var-file"),
        help: ArgumentHelp(
            "A YAML file of variables, one 'NAME: value' a line (repeatable; a later file wins).", valueName: "file"))
    var files: [String] = []

    /// `NAME=VALUE`, split at the first `=`; the value may be empty or hold more `=`.
    static func assignment(_ text: String) throws(ValidationError) -> Variables.Variable {
        guard let equals = text.firstIndex(of: "=") else {
            throw ValidationError("--var takes NAME=VALUE, such as --var unit=beijing, not '\(text)'")
        }
        let name = String(text[..<equals])
        guard Variables.isValidName(name) else {
            throw ValidationError(
                "--var \(name.isEmpty ? "needs a name before '='" : "'\(name)': a variable's name is letters, digits, '_' and '-'")"
            )
        }
        return Variables.Variable(name: name, value: String(text[text.index(after: equals)...]), origin: .argument)
    }

    /// The variables (the var files in order, then every `--var`, a later one winning) and the
    /// var files' problems.
    func load() -> (variables: Variables, diagnostics: [Diagnostic]) {
        var variables = Variables()
        var diagnostics: [Diagnostic] = []
        for file in files {
            do {
                for variable in try DrillLoader.loadVariables(path: file) { variables.add(variable) }
            } catch {
                diagnostics += error.diagnostics
            }
        }
        for variable in assignments { variables.add(variable) }
        return (variables, diagnostics)
    }
}
