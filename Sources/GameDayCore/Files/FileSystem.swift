import Foundation

/// The files Core reads: drill and target files, the control plane's token, archived results.
///
/// Core decides what to read and what a failure means to the person who named the file; how bytes
/// come off a disk is the runtime's (`LocalFileSystem`), and tests hand in files held in memory.
public protocol FileSystem: Sendable {
    /// What is at `path`, following links; nil when nothing is.
    func kind(of path: String) -> FileKind?
    /// The bytes of the file at `path`, or why they cannot be read.
    func contents(of path: String) throws(FileProblem) -> Data
    /// The names in the directory at `path`, in no particular order.
    func names(in directory: String) throws(FileProblem) -> [String]
}

/// A file or a directory.
public enum FileKind: Sendable, Hashable {
    case file
    case directory
}
