import Foundation
import Synchronization

/// The runner's sign of life for its watchdogs: a file whose modification time it refreshes
/// every `interval` from a thread of its own, so a busy async pool cannot starve it.
public final class Heartbeat: Sendable {
    public let path: String
    private let stopped = Mutex(false)

    public init(path: String, interval: Duration = .seconds(1)) throws {
        self.path = path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data("\(getpid())\n".utf8))
        let seconds = interval.milliseconds / 1000
        Thread.detachNewThread { [self] in
            while !stopped.withLock({ $0 }) {
                utimes(path, nil)
                Thread.sleep(forTimeInterval: seconds)
            }
        }
    }

    /// Stops beating and removes the file.
    public func stop() {
        stopped.withLock { $0 = true }
        unlink(path)
    }

    /// Seconds since the heartbeat file last changed, or nil when it does not exist.
    public static func age(of path: String) -> Double? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return Date().timeIntervalSince1970 - modified
    }
}
