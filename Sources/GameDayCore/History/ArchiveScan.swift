import Foundation

/// Finds the archives under the paths given to `gameday history`.
///
/// A path may be a `result.json` file, a run directory (holding `result.json`), a drill's directory
/// of run directories, or a results directory (`<dir>/<drill>/<run>/result.json`, as `gameday run
/// --output` writes). Below a directory the search goes two levels deep and no further.
///
/// It looks through a `FileSystem`: the disk in the runtime, a tree in memory in tests.
public enum ArchiveScan {
    /// A place that should hold a run's result.
    public struct Place: Sendable, Hashable {
        /// The `result.json` file, or the run directory that lacks one.
        public var path: String
        /// True when `path` is a run directory (`<UTC time>-<run id>`) without `result.json`.
        public var lacksResult: Bool

        /// The name of the directory above the run directory: the drill's name when the layout is
        /// gameday's own.
        public var drillDirectory: String {
            let runDirectory =
                lacksResult ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path).deletingLastPathComponent()
            return runDirectory.deletingLastPathComponent().lastPathComponent
        }
    }

    public static let resultFile = "result.json"
    /// A game day's archive holds this instead of `result.json`.
    public static let gameDayFile = "gameday.json"
    /// Where game days are archived under a results directory (no drill can be named so).
    public static let gameDaysDirectory = "_gamedays"

    /// Every place under `paths` in `files`, in path order, each once; throws when a path does not exist.
    public static func places(under paths: [String], in files: any FileSystem) throws(HistoryError) -> [Place] {
        let missing = paths.filter { files.kind(of: $0) == nil }
        guard missing.isEmpty else { throw .noSuchPath(missing) }
        var seen = Set<String>()
        return paths.flatMap { places(under: $0, depth: 0, in: files) }.filter {
            seen.insert(URL(fileURLWithPath: $0.path).standardizedFileURL.path).inserted
        }
    }

    /// A run directory's name as `ResultArchive` makes it: `20261121T055052Z-96b91d79`.
    public static func isRunDirectoryName(_ name: String) -> Bool {
        let parts = name.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, !parts[1].isEmpty else { return false }
        let time = Array(parts[0])
        return time.count == 16 && time[8] == "T" && time[15] == "Z"
            && (time[0..<8] + time[9..<15]).allSatisfy(\.isASCIIDigit)
    }

    private static func places(under path: String, depth: Int, in files: any FileSystem) -> [Place] {
        guard files.kind(of: path) == .directory else {
            return depth == 0 ? [Place(path: path, lacksResult: false)] : []
        }
        let result = join(path, resultFile)
        if files.kind(of: result) != nil { return [Place(path: result, lacksResult: false)] }
        // A game day's archive (`gameday.json`): its drills' runs are archived as runs of their own.
        if files.kind(of: join(path, gameDayFile)) != nil { return [] }
        let name = URL(fileURLWithPath: path).lastPathComponent
        if isRunDirectoryName(name) { return [Place(path: path, lacksResult: true)] }
        guard depth < 2 else { return [] }
        let children = (try? files.names(in: path)) ?? []
        return children.sorted().filter { !$0.hasPrefix(".") && $0 != gameDaysDirectory }.flatMap { child in
            let childPath = join(path, child)
            return files.kind(of: childPath) == .directory ? places(under: childPath, depth: depth + 1, in: files) : []
        }
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : "\(directory)/\(name)"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
