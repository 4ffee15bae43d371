import Foundation

/// A cut-over's `sync_wait` phase, for real: for each source → destination, asks the destination's
/// order service to catch up (`POST /internal/catch-up`) until it has applied everything the source
/// had committed when the wait began, or until `timeout` passes.
///
/// The wait begins after the write block is in force, so no write of a moving user can be committed
/// at the source after the target was taken. The target covers every write of the source, not only
/// the moving users': replication is in order, so this is what "the moving users' writes have
/// arrived" means, at the cost of waiting for other users' rows too (at most the replication lag).
/// When the source's order service is down, the destination reads the source's database file
/// instead (see `OrderCatchUp`).
struct SyncWait: Sendable {
    let state: ControlPlaneState
    let log: GroundTruthLog
    /// Unit → its order service's base URL.
    let orders: [String: String]
    let token: String
    let timeout: Duration
    var interval: Duration = .milliseconds(50)

    /// Waits for every pair; returns why the wait failed, or nil when every destination caught up.
    func wait(_ id: String, pairs: [SyncPair]) async -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        for pair in pairs {
            if let problem = await wait(id, pair, until: deadline, clock: clock) { return problem }
        }
        return nil
    }

    /// Records that the wait was skipped (`--no-sync-wait`).
    func skip(_ id: String, pairs: [SyncPair]) async {
        for pair in pairs {
            let progress = SyncProgress(from: pair.from, to: pair.to, state: .skipped)
            await state.record(id, sync: progress)
            await log.append(cutover: id, step: .skipped, at: LabTimestamp.now(), progress: progress)
        }
    }

    private func wait(
        _ id: String, _ pair: SyncPair, until deadline: ContinuousClock.Instant, clock: ContinuousClock
    ) async -> String? {
        var progress = SyncProgress(from: pair.from, to: pair.to, state: .waiting)
        await state.record(id, sync: progress)
        var lastProblem = "not asked yet"
        while true {
            switch await ask(pair) {
            case .success(let answer):
                if progress.target == nil {
                    progress.target = answer.target
                    progress.via = answer.via == "peer" ? "peer" : "database-file"
                    progress.applied = answer.applied
                    await log.append(cutover: id, step: .target, at: LabTimestamp.now(), progress: progress)
                    LabLog.line(
                        "\(id) sync \(pair.from) → \(pair.to): target position \(answer.target) (via \(answer.via))")
                }
                progress.applied = answer.applied
                if answer.applied >= progress.target ?? 0 {
                    progress.state = .caughtUp
                    let at = LabTimestamp.now()
                    await state.record(id, sync: progress)
                    await log.append(cutover: id, step: .caughtUp, at: at, progress: progress)
                    LabLog.line("\(id) sync \(pair.from) → \(pair.to): \(pair.to) applied \(answer.applied)")
                    return nil
                }
                await state.record(id, sync: progress)
                lastProblem = "\(pair.to) has applied \(answer.applied) of \(progress.target ?? 0)"
            case .failure(let problem):
                lastProblem = problem.message
            }
            if clock.now >= deadline {
                progress.state = .timedOut
                await state.record(id, sync: progress)
                await log.append(cutover: id, step: .timedOut, at: LabTimestamp.now(), progress: progress)
                return "sync wait timed out after \(timeout): \(pair.to) has not caught up with \(pair.from) "
                    + "(\(lastProblem)); the rule was not switched"
            }
            try? await Task.sleep(for: interval)
        }
    }

    private struct Problem: Error { var message: String }

    private func ask(_ pair: SyncPair) async -> Result<OrderCatchUp.Answer, Problem> {
        guard let url = orders[pair.to] else { return .failure(Problem(message: "no order service for \(pair.to)")) }
        let reply = await Upstream.send(
            method: "POST", url: url + "/internal/catch-up",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
            body: Array(#"{"origin":"\#(pair.from)"}"#.utf8), timeout: .seconds(2))
        switch reply {
        case .failure(let error):
            return .failure(Problem(message: "\(pair.to)'s order service unreachable: \(error.message)"))
        case .success(let reply) where reply.status != 200:
            return .failure(
                Problem(
                    message: "\(pair.to)'s order service answered HTTP \(reply.status): "
                        + String(decoding: reply.body, as: UTF8.self)))
        case .success(let reply):
            guard let answer = try? JSONDecoder().decode(OrderCatchUp.Answer.self, from: Data(reply.body)) else {
                return .failure(Problem(message: "\(pair.to)'s catch-up answer is unreadable"))
            }
            return .success(answer)
        }
    }
}
