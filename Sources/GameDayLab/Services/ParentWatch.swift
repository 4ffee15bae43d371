import Foundation

/// `--tied-to PID`: once that process is gone, the service shuts itself down; a test run that
/// crashed or was killed then leaves no lab behind.
struct ParentWatch: Sendable {
    let pid: Int32
    var interval: Duration = .milliseconds(500)

    func run() async {
        while !Task.isCancelled {
            if !LabProcessTable.isAlive(pid) {
                LabLog.line("process \(pid) this lab is tied to is gone; shutting down")
                // The same graceful path as `lab down`: the server's signal handler drains and stops.
                kill(getpid(), SIGTERM)
                // Returning ends the service the hard way (cancellation): only if that did not work.
                try? await Task.sleep(for: .seconds(5))
                return
            }
            try? await Task.sleep(for: interval)
        }
    }
}
