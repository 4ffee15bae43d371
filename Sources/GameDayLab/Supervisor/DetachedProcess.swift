import Foundation
import GameDayRuntime

/// Starts a lab process that outlives its parent (`Spawn.detached`): its own session, stdin from
/// /dev/null, stdout and stderr appended to a log file, and no other inherited descriptor, so
/// nothing of the caller (a test's pipes, a terminal) is kept open by the lab.
enum DetachedProcess {
    static func spawn(executable: String, arguments: [String], logFile: String) throws(LabError) -> pid_t {
        do {
            return try Spawn.detached([executable] + arguments, log: logFile, logMode: 0o644).start().pid
        } catch {
            throw .spawnFailed(
                service: URL(fileURLWithPath: logFile).deletingPathExtension().lastPathComponent, errno: error.code)
        }
    }
}
