import Foundation

/// `D/services.jsonl`: one line per change in a lab server's state, written by its supervisor the
/// moment `waitid` reports it (`ServiceTransition.jsonLine`). Tests compare the instant a fault
/// was injected with it, as they compare cut-overs with `control-plane.jsonl`.
///
/// Every supervisor of the lab appends to the same file: O_APPEND and one write(2) per line, so
/// lines never interleave.
struct ServiceEventLog: Sendable {
    let path: String
    /// Open for the supervisor's whole life; its exit closes it.
    private let fd: Int32

    init(path: String) throws(LabError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .eventLogUnwritable(path: path, errno: errno) }
    }

    func append(_ transition: ServiceTransition) {
        let line = transition.jsonLine
        let written = line.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
        if written != line.utf8.count {
            LabLog.line("\(transition.service): could not append to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
