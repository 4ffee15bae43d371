import Foundation
import GameDayCore

/// The game days archived under the paths `gameday history` reads: `<dir>/_gamedays/<game day>/<run>/gameday.json`,
/// newest first (a path may also be the `_gamedays` directory, a game day's, or one run's).
public enum GameDayHistory {
    public struct Entry: Sendable {
        public var path: String
        public var result: GameDayResult
    }

    public static func read(_ paths: [String]) -> (entries: [Entry], unreadable: [(path: String, reason: String)]) {
        var files = Set<String>()
        for path in paths { find(path, into: &files) }
        var entries: [Entry] = []
        var unreadable: [(String, String)] = []
        for file in files.sorted() {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                entries.append(Entry(path: file, result: try GameDayResult.read(data)))
            } catch {
                unreadable.append((file, "not a readable game day archive: \(error.localizedDescription)"))
            }
        }
        return (entries.sorted { $0.result.startedAt > $1.result.startedAt }, unreadable)
    }

    /// `path` is a run of a game day, a game day's directory, `_gamedays`, or a results directory.
    private static func find(_ path: String, into files: inout Set<String>) {
        let manager = FileManager.default
        let file = "\(path)/\(ArchiveScan.gameDayFile)"
        if manager.fileExists(atPath: file) {
            files.insert(URL(fileURLWithPath: file).standardizedFileURL.path)
            return
        }
        let url = URL(fileURLWithPath: path)
        let children = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }
        if url.lastPathComponent == ArchiveScan.gameDaysDirectory {
            for name in children {
                for run in (try? manager.contentsOfDirectory(atPath: "\(path)/\(name)")) ?? [] {
                    find("\(path)/\(name)/\(run)", into: &files)
                }
            }
        } else if url.deletingLastPathComponent().lastPathComponent == ArchiveScan.gameDaysDirectory {
            for run in children { find("\(path)/\(run)", into: &files) }
        } else if children.contains(ArchiveScan.gameDaysDirectory) {
            find("\(path)/\(ArchiveScan.gameDaysDirectory)", into: &files)
        }
    }

    /// The game days as `history` prints them after the runs: one line per game day, one per drill.
    public static func lines(_ entries: [Entry]) -> [String] {
        guard !entries.isEmpty else { return [] }
        var lines = ["", "game days (newest first):"]
        for entry in entries {
            let result = entry.result
            let passed = result.drills.filter { $0.outcome == .pass }.count
            let when = result.startedAt.replacingOccurrences(of: "T", with: " ").prefix(19)
            lines.append(
                "  \(when)  \(result.gameDay.name)  \(result.outcome.rawValue.uppercased())  "
                    + "\(passed) of \(result.drills.count) drills passed  \(result.gameDayId)  "
                    + URL(fileURLWithPath: entry.path).deletingLastPathComponent().path)
            for (index, drill) in result.drills.enumerated() {
                let outcome = drill.outcome?.rawValue.uppercased() ?? drill.status.rawValue
                let rto =
                    drill.rto?.measuredMs.map { "  RTO \(DurationText.format(.milliseconds($0.rounded())))" } ?? ""
                let run = drill.runId.map { "  run \($0)" } ?? ""
                lines.append("     \(index + 1). \(drill.drill)  \(outcome)\(rto)\(run)")
            }
        }
        return lines
    }
}
