import Foundation
import GameDayCore
import GameDayRuntime

/// Validates a set of drill and target files, each on its own and drills against a target.
struct FileValidation {
    let files: [String]
    let target: String?
    /// Filled into every file; one that none uses is an error.
    var variables = Variables()

    struct Report {
        var lines: [String] = []
        var diagnostics: [Diagnostic] = []
        var errorCount: Int { diagnostics.count { $0.severity == .error } }
    }

    func validate() -> Report {
        var report = Report()
        var usage = VariableUsage()
        var loadedTarget: Target?
        if let target {
            do {
                loadedTarget = try DrillLoader.loadTarget(path: target, variables: variables, usage: &usage)
                report.diagnostics += loadedTarget.map(PodService.problems(in:)) ?? []
            } catch {
                report.diagnostics += error.diagnostics
            }
        }
        for file in files {
            let before = report.diagnostics.count
            if Self.isTarget(file) {
                do {
                    let loaded = try DrillLoader.loadTarget(path: file, variables: variables, usage: &usage)
                    report.diagnostics += PodService.problems(in: loaded)
                } catch {
                    report.diagnostics += error.diagnostics
                }
            } else if DrillLoader.kind(ofFileAt: file, from: LocalFileSystem()) == .gameDay {
                // A game day and every drill it names, each with its own variables.
                let loaded = DrillLoader.loadGameDay(
                    path: file, target: loadedTarget, variables: variables, usage: &usage, from: LocalFileSystem())
                report.diagnostics += loaded.diagnostics
            } else {
                do {
                    let drill = try DrillLoader.loadDrill(path: file, variables: variables, usage: &usage)
                    if let loadedTarget { report.diagnostics += DrillValidator.check(drill, against: loadedTarget) }
                } catch {
                    report.diagnostics += error.diagnostics
                }
            }
            let problems = report.diagnostics[before...].filter { $0.severity == .error }.count
            report.lines.append(problems == 0 ? "\(file): ok" : "\(file): \(problems) error\(problems == 1 ? "" : "s")")
        }
        report.diagnostics += variables.unused(usage)
        return report
    }

    /// A target file starts with (or somewhere has) a top-level `target:` key.
    static func isTarget(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { $0.hasPrefix("target:") }
    }
}
