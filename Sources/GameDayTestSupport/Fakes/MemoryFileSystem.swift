import Foundation
import GameDayCore

/// Files held in memory by absolute path; a directory is any path that files lie below.
public struct MemoryFileSystem: FileSystem {
    public var files: [String: Data]
    /// Paths of files that exist but may not be read (permission denied).
    public var unreadable: Set<String>

    public init(_ files: [String: String] = [:], unreadable: Set<String> = []) {
        self.files = files.mapValues { Data($0.utf8) }
        self.unreadable = unreadable
    }

    public func kind(of path: String) -> FileKind? {
        let path = Self.normal(path)
        if files[path] != nil { return .file }
        let below = path == "/" ? "/" : path + "/"
        return files.keys.contains { $0.hasPrefix(below) } ? .directory : nil
    }

    public func contents(of path: String) throws(FileProblem) -> Data {
        switch kind(of: path) {
        case nil: throw .missing
        case .directory: throw .directory
        case .file:
            let path = Self.normal(path)
            if unreadable.contains(path) { throw .permissionDenied }
            return files[path] ?? Data()
        }
    }

    public func names(in directory: String) throws(FileProblem) -> [String] {
        switch kind(of: directory) {
        case nil: throw .missing
        case .file: throw .other("Not a directory")
        case .directory:
            let path = Self.normal(directory)
            let below = path == "/" ? "/" : path + "/"
            let names = files.keys.filter { $0.hasPrefix(below) }.compactMap {
                $0.dropFirst(below.count).split(separator: "/").first.map(String.init)
            }
            return Array(Set(names))
        }
    }

    /// Without a trailing slash, as the files are keyed.
    private static func normal(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
