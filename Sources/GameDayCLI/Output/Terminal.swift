import Foundation
import Synchronization

/// Where the CLI writes: results to stdout, progress and errors to stderr.
enum Terminal {
    private static let lock = Mutex(())

    static func out(_ line: String) {
        lock.withLock { _ in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }

    static func err(_ line: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}
