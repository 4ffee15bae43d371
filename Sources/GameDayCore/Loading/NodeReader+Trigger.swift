import Foundation
import Yams

// MARK: - Who decides that a cut-over starts

extension NodeReader {
    /// `trigger`, `trigger_timeout`, `trigger_file`, `trigger_port` of `cutover:`; refused in
    /// `rollback.cutback:` (the rollback never waits for anyone). Nil when one of them is wrong.
    func trigger(_ fields: MappingFields, path: String) -> CutoverTrigger? {
        let given = fields.keys.filter { DrillFormat.cutoverTriggerKeys.contains($0.0) }
        guard !given.isEmpty else { return CutoverTrigger() }
        guard path == "cutover" else {
            for (name, key) in given {
                error(
                    "'\(fields.path(name))' does not belong in a cut-back: the rollback never waits for a decision; "
                        + "give 'trigger' in 'cutover:'", at: key)
            }
            return nil
        }
        let modes = CutoverTrigger.Mode.allCases.map { ($0.rawValue, $0) }
        let mode = fields["trigger"].flatMap { choice($0, what: "cut-over trigger", options: modes) }
        if fields["trigger"] != nil, mode == nil { return nil }
        var trigger = CutoverTrigger(mode: mode ?? .auto)
        var valid = true
        if let node = fields["trigger_timeout"] {
            if let timeout = duration(node) { trigger.timeout = timeout } else { valid = false }
        }
        if let node = fields["trigger_file"] {
            if let file = text(node) { trigger.file = resolvedPath(file) } else { valid = false }
        }
        if let node = fields["trigger_port"] {
            if let port = integer(node, in: 1...65535, what: "a TCP port") {
                trigger.port = port
            } else {
                valid = false
            }
        }
        for (name, key) in given where name != "trigger" {
            let allowed = name == "trigger_timeout" ? trigger.waits : trigger.mode == .external
            guard !allowed else { continue }
            error(
                "'\(fields.path(name))' needs 'trigger: \(name == "trigger_timeout" ? "prompt' or 'external" : "external")'"
                    + " (the trigger is \(trigger.mode.rawValue))", at: key)
            valid = false
        }
        return valid ? trigger : nil
    }

    /// A path the drill names: absolute, or relative to the drill file's folder.
    private func resolvedPath(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        return URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL.path
    }
}
