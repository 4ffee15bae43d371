import Foundation

/// Why `gameday history` could not look at all.
public enum HistoryError: LocalizedError, Sendable, Hashable {
    /// Paths given that do not exist.
    case noSuchPath([String])

    public var errorDescription: String? {
        switch self {
        case .noSuchPath(let paths):
            let list = paths.map { "'\($0)'" }.joined(separator: ", ")
            return "no such file or directory: \(list); give the directory 'gameday run --output' archived to "
                + "(default 'results'), a run's directory, or its result.json"
        }
    }
}
