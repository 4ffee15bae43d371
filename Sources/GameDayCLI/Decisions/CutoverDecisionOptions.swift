import ArgumentParser
import Foundation
import GameDayCore
import GameDayRuntime

/// How a drill whose `cutover.trigger` is `prompt` or `external` gets its decision.
struct CutoverDecisionOptions: ParsableArguments {
    @Flag(
        name: [.customLong("assume-yes"), .customLong("yes")],
        help: "Answer go to the cut-over's decision (trigger prompt or external) without asking; the result says so.")
    var assumeYes = false

    @Option(
        name: .customLong("cutover-file"),
        help: ArgumentHelp(
            "For 'trigger: external': cut over once this file holds go (abort on abort); relative to the working "
                + "directory; replaces the drill's trigger_file.",
            valueName: "path"))
    var file: String?

    @Option(
        name: .customLong("cutover-port"),
        help: ArgumentHelp(
            "For 'trigger: external': listen on 127.0.0.1:<port> for POST /cutover with {\"decision\": \"go\"} or "
                + "{\"decision\": \"abort\"}; replaces the drill's trigger_port.",
            valueName: "port"))
    var port: Int?

    func validate() throws {
        if let port, !(1...65535).contains(port) {
            throw ValidationError("--cutover-port takes a TCP port from 1 to 65535, not \(port)")
        }
    }

    /// Who decides the cut-over of `drill`; nil when the runner does (`trigger: auto`).
    func source(for drill: Drill) throws -> (any CutoverDecisionSource)? {
        let mode = drill.cutover?.trigger.mode ?? .auto
        if mode != .external, file != nil || port != nil {
            throw ValidationError(
                "--cutover-file and --cutover-port are for a drill whose cutover.trigger is external; "
                    + "\(drill.name)'s is \(mode.rawValue)")
        }
        let say: @Sendable (String) -> Void = { Terminal.err($0) }
        switch mode {
        case .auto: return nil
        case _ where assumeYes: return AssumedCutoverDecision(say: say)
        case .prompt: return TerminalCutoverPrompt()
        case .external:
            let path = file.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            return ExternalCutoverDecision(file: path, port: port, say: say)
        }
    }
}
