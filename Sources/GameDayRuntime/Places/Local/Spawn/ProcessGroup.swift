import Foundation
import Synchronization

/// A started child's process group (its id is the child's pid), killed only while the child is
/// unreaped: until then that pid, and so the group's id, cannot be handed to another process.
/// The deadline in `SpawnedProcess.finish` and a cancelled caller kill it from different threads.
final class ProcessGroup: Sendable {
    /// Why the group was killed.
    enum Kill: Sendable {
        case timeout
        case cancellation
    }

    private struct State {
        var reaped = false
        var kill: Kill?
    }

    let id: pid_t
    private let state = Mutex(State())

    init(leader: pid_t) { id = leader }

    /// Why the group was killed, if it was: the first reason given.
    var kill: Kill? { state.withLock { $0.kill } }

    /// Sends SIGKILL to every process in the group, unless the leader is reaped already.
    func kill(_ reason: Kill) {
        state.withLock { state in
            guard !state.reaped else { return }
            Glibc.kill(-id, SIGKILL)
            if state.kill == nil { state.kill = reason }
        }
    }

    /// Reaps the leader, which has exited (so the lock is held only for a moment); its exit code,
    /// or 128 + the signal that ended it.
    func reapLeader() -> Int32 {
        state.withLock { state in
            var status: Int32 = 0
            while waitpid(id, &status, 0) == -1, errno == EINTR {}
            state.reaped = true
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
    }
}
