import Foundation

extension Spawn {
    /// What a cancelled caller does to the program it started.
    public enum WhenCancelled: Sendable, Hashable {
        /// Kill its whole process group (a cancelled command's answer is not wanted).
        case killGroup
        /// Let it run to its end or its timeout: cleanup that must finish after a cancellation
        /// (a test lab's `down`) relies on it.
        case finish
    }

    /// Starts the program and finishes it (`SpawnedProcess.finish`) on a thread of its own
    /// (`OwnThread`), so that no thread of the shared pool blocks on it.
    /// - Parameter onStandardErrorLine: told each line of a piped stderr as it arrives, with the
    ///   child's pid: a caller can act on the program's progress instead of sleeping.
    public func run(
        timeout: Duration, outputLimit: Int = .max, whenCancelled: WhenCancelled = .killGroup,
        onStandardErrorLine: (@Sendable (_ line: String, _ pid: pid_t) -> Void)? = nil
    ) async throws(Failure) -> SpawnedProcess.Completion {
        if whenCancelled == .killGroup, Task.isCancelled {
            throw Failure(argv: argv, step: .cancelled, code: ECANCELED)
        }
        let child = try start()
        let deadline = ContinuousClock.now + timeout
        let lines = onStandardErrorLine.map { told in { @Sendable (line: String) in told(line, child.pid) } }
        let finish = { @Sendable in
            await OwnThread.run {
                child.finish(deadline: deadline, outputLimit: outputLimit, onStandardErrorLine: lines)
            }
        }
        guard whenCancelled == .killGroup else { return await finish() }
        return await withTaskCancellationHandler(operation: finish, onCancel: child.cancel)
    }
}
