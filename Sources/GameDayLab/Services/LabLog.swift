import Foundation

/// A service's own log lines, written straight to stdout (a log file under `D/logs/`) with one
/// write(2) each: no stdio buffer to lose when the service is killed, and none shared across threads.
enum LabLog {
    static func line(_ text: String) {
        let stamped = "\(LabTimestamp.now().rfc3339) \(text)\n"
        _ = stamped.utf8CString.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count - 1) }
    }
}
