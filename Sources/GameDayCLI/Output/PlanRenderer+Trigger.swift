import GameDayCore

extension PlanRenderer {
    /// Who decides that the cut-over starts, under `5. cut over`.
    static func triggerLines(_ trigger: CutoverTrigger) -> [String] {
        let timeout = DurationText.format(trigger.timeout)
        switch trigger.mode {
        case .auto:
            return ["   trigger: auto (the runner cuts over once the observe phase has ended)"]
        case .prompt:
            return [
                "   trigger: prompt (the operator confirms on the terminal, y or Enter, or aborts, n; no answer in "
                    + "\(timeout) aborts the run; refused without a terminal unless --assume-yes)"
            ]
        case .external:
            let ways = [
                trigger.file.map { "a file \($0) holding go or abort" },
                trigger.port.map { "POST http://127.0.0.1:\($0)/cutover" },
            ]
            .compactMap { $0 }
            let from = ways.isEmpty ? "--cutover-file or --cutover-port" : ways.joined(separator: " or ")
            return ["   trigger: external (waits for \(from); no answer in \(timeout) aborts the run)"]
        }
    }
}
