import GameDayCore

extension RunHistory {
    /// Reads every archive under `paths` on the disk: see `read(_:from:drill:limit:)`.
    public static func read(_ paths: [String], drill: String? = nil, limit: Int? = nil) throws(HistoryError)
        -> RunHistory
    {
        try read(paths, from: LocalFileSystem(), drill: drill, limit: limit)
    }
}

extension PastRun {
    /// Reads the `result.json` at `path` on the disk.
    public init(readingFile path: String) throws(ArchiveProblem) {
        try self.init(readingFile: path, from: LocalFileSystem())
    }
}
