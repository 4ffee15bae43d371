import Foundation

/// A started child: its pid (also its process group's or session's id) and what this process
/// holds of its output.
public struct SpawnedProcess: Sendable {
    public let pid: pid_t
    let standardOutput: CapturedOutput
    let standardError: CapturedOutput
    private let group: ProcessGroup

    init(pid: pid_t, standardOutput: CapturedOutput, standardError: CapturedOutput) {
        self.pid = pid
        self.standardOutput = standardOutput
        self.standardError = standardError
        group = ProcessGroup(leader: pid)
    }

    /// What a finished child left behind.
    public struct Completion: Sendable, Hashable {
        /// The exit status, or 128 + the signal that ended it.
        public var exitCode: Int32
        public var stdout: String
        public var stderr: String
        /// True when the deadline passed and the process group was killed.
        public var timedOut: Bool
        /// True when the caller was cancelled and the process group was killed (`Spawn.run`).
        public var cancelled: Bool = false
    }

    /// Kills the child's whole process group, from any thread, if `finish` has not reaped the
    /// child yet; `finish` then returns a completion that says it was cancelled.
    public func cancel() { group.kill(.cancellation) }

    /// Blocks until the child has exited and its captured output is read; then reaps it. Call it
    /// once, for a child that is not detached.
    ///
    /// When `deadline` passes, the child's whole process group gets SIGKILL, so nothing it started
    /// in that group outlives the call. The group is only ever killed before the child is reaped:
    /// until then its pid, and so its group's id, cannot be given to another process.
    /// - Parameters:
    ///   - outputLimit: how many bytes of each stream are kept; a pipe is drained past it all the same.
    ///   - onStandardErrorLine: told each line of a piped stderr as it arrives.
    public func finish(
        deadline: ContinuousClock.Instant? = nil, outputLimit: Int = .max,
        onStandardErrorLine: ((String) -> Void)? = nil
    ) -> Completion {
        let exit = ExitWatch(pid)
        defer { exit.close() }
        var pipes = PipeDrain(
            standardOutput: standardOutput, standardError: standardError, limit: outputLimit,
            onStandardErrorLine: onStandardErrorLine)
        let clock = ContinuousClock()
        var exited = false
        var killedAt: ContinuousClock.Instant?
        while true {
            exited = exited || exit.hasExited()
            if exited, pipes.isDone { break }
            if let deadline, clock.now >= deadline { group.kill(.timeout) }
            if killedAt == nil, group.kill != nil { killedAt = clock.now }
            // Something outside the group may still hold a pipe open; after the kill, stop waiting for it.
            if exited, let killedAt, clock.now > killedAt + .seconds(5) { break }
            var wait = deadline.map { max(.zero, min($0 - clock.now, .seconds(1))) } ?? .seconds(1)
            if killedAt != nil { wait = .milliseconds(200) }
            // Without a pidfd, an exit is noticed by looking again soon.
            if !exited, exit.descriptor == nil { wait = min(wait, .milliseconds(10)) }
            pipes.poll(also: exited ? nil : exit.descriptor, for: wait)
        }
        pipes.close()
        let status = group.reapLeader()
        let stdout =
            standardOutput.kind == .temporaryFile
            ? standardOutput.readTemporaryFile(limit: outputLimit) : pipes.standardOutputBytes
        let stderr =
            standardError.kind == .temporaryFile
            ? standardError.readTemporaryFile(limit: outputLimit) : pipes.standardErrorBytes
        let kill = group.kill
        return Completion(
            exitCode: status, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self), timedOut: kill == .timeout,
            cancelled: kill == .cancellation)
    }
}
