import Foundation
import GameDayCore

/// `run --metrics-file PATH`: the run's metrics for node_exporter's textfile collector.
public struct MetricsFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Writes `text` whole or not at all: into a hidden temporary file in the same directory, then
    /// renamed over `path`. The collector reads `*.prom` whenever it is scraped; it must never see
    /// half a file, nor the temporary one (whose name does not end in `.prom`). Foundation's own
    /// atomic write names its temporary file itself, so the rename is done here.
    public func write(_ text: String) throws(ArchiveError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = "\(folder)/.\(url.lastPathComponent).\(getpid()).tmp"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        } catch {
            unlink(temporary)
            throw ArchiveError(place: folder, reason: FileProblem.words(error))
        }
        // Readable by the collector, which often runs as another user.
        chmod(temporary, 0o644)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ArchiveError(place: folder, reason: reason)
        }
    }
}
