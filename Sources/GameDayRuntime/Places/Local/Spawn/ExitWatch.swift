import Foundation

/// Tells when a child has exited without reaping it, so that its process group can still be
/// killed safely (`ProcessGroup` reaps it).
struct ExitWatch {
    let pid: pid_t
    /// A pidfd, readable once the child has exited: `poll` wakes on the exit at once, not on the
    /// next look. Nil where the C library has no `pidfd_open`.
    let descriptor: Int32?

    init(_ pid: pid_t) {
        self.pid = pid
        let fd = UnexportedGlibc.pidfdOpen?(pid, 0) ?? -1
        descriptor = fd >= 0 ? fd : nil
        if let descriptor { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    }

    /// Whether the child has exited (a zombie now); it stays unreaped.
    func hasExited() -> Bool {
        var info = siginfo_t()
        while true {
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 {
                // Linux leaves the signal number 0 when no child is waitable yet.
                return info.si_signo == SIGCHLD
            }
            // ECHILD: it is not ours to wait for (reaped elsewhere): nothing more will come.
            if errno != EINTR { return true }
        }
    }

    func close() {
        if let descriptor { Glibc.close(descriptor) }
    }
}
