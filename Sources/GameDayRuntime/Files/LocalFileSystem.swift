import Foundation
import GameDayCore

/// The disk, as `FileSystem`: what the CLI, the watchdog and `recover` read files through.
public struct LocalFileSystem: FileSystem {
    public init() {}

    public func kind(of path: String) -> FileKind? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue ? .directory : .file
    }

    public func contents(of path: String) throws(FileProblem) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileProblem(path: path, error: error)
        }
    }

    public func names(in directory: String) throws(FileProblem) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw FileProblem(path: directory, error: error)
        }
    }
}

extension FileProblem {
    /// Looks at the file system to tell why reading `path` failed; `error` is what the read threw, if
    /// anything, and decides only what the file system cannot tell (its encoding, an I/O error).
    public init(path: String, error: (any Error)? = nil) {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            self = .missing
        } else if isDirectory.boolValue {
            self = .directory
        } else if !FileManager.default.isReadableFile(atPath: path) {
            self = .permissionDenied
        } else if let error = error as? CocoaError, error.code == .fileReadInapplicableStringEncoding {
            self = .notUTF8
        } else {
            self = .other(error.map(Self.words) ?? "it cannot be opened")
        }
    }
}
