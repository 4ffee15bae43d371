import GameDayCore

extension RunHistory {
    /// The metrics of every run listed, for `history --metrics`. The history holds a lenient
    /// projection of each result; the metrics need all of it (the RTO's breakdown, the users, the
    /// faulted unit), so each `result.json` is read again in full, exactly as `run` exposes it.
    /// The history's own unreadable archives come first in `unreadable`, then those read here.
    public func metrics(from files: any FileSystem = LocalFileSystem()) -> (
        runs: [RunMetrics], unreadable: [UnreadableArchive]
    ) {
        var runs: [RunMetrics] = []
        var unreadable = self.unreadable
        for run in self.runs {
            do throws(ArchiveProblem) {
                guard let data = try? files.contents(of: run.path) else { throw .unreadableFile }
                runs.append(RunMetrics(try RunResult.read(data)))
            } catch {
                unreadable.append(UnreadableArchive(path: run.path, problem: error))
            }
        }
        return (runs, unreadable)
    }
}
