import Foundation

/// Carries out accepted cut-overs one at a time, through AppActive's phases:
/// write_block → sync_wait → switch → unblock → done. One at a time, because two switches of the
/// same rule racing each other is exactly what a real control plane must not allow.
struct CutoverRunner: Sendable {
    let state: ControlPlaneState
    let log: GroundTruthLog
    let gatewayURL: String
    let token: String
    /// Stands in for waiting until replication has caught up.
    let syncWait: Duration
    /// Lets tests make slow cut-overs on purpose.
    let switchDelay: Duration
    /// How long the switch may keep retrying the push before the cut-over fails.
    var pushTimeout: Duration = .seconds(10)

    private let queue: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init(
        state: ControlPlaneState, log: GroundTruthLog, gatewayURL: String, token: String, syncWait: Duration,
        switchDelay: Duration
    ) {
        self.state = state
        self.log = log
        self.gatewayURL = gatewayURL
        self.token = token
        self.syncWait = syncWait
        self.switchDelay = switchDelay
        (queue, continuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Queues an accepted cut-over.
    func enqueue(_ id: String) {
        continuation.yield(id)
    }

    /// Runs queued cut-overs until cancelled (iterating an `AsyncStream` ends on cancellation).
    func run() async {
        for await id in queue {
            await execute(id)
        }
    }

    // MARK: - Phases

    func execute(_ id: String) async {
        await state.begin(id, .writeBlock)
        await state.block(id)
        await complete(id, .writeBlock)

        await state.begin(id, .syncWait)
        try? await Task.sleep(for: syncWait)
        await complete(id, .syncWait)

        await state.begin(id, .switch)
        try? await Task.sleep(for: switchDelay)
        guard let document = await state.publishRule(for: id) else { return }
        if let problem = await push(document) {
            let at = LabTimestamp.now()
            await state.fail(id, problem, at: at)
            await log.append(cutover: id, phase: .failed, at: at)
            LabLog.line("\(id) failed: \(problem)")
            return
        }
        // The switch is complete only now: the gateway has answered that it applied the rule.
        await complete(id, .switch)

        await state.begin(id, .unblock)
        await state.unblock(id)
        await complete(id, .unblock)
        await complete(id, .done)
    }

    /// The timestamp is read first, before any hop, so it is the moment the phase ended.
    private func complete(_ id: String, _ phase: CutoverPhase) async {
        let at = LabTimestamp.now()
        await state.complete(id, phase, at: at)
        await log.append(cutover: id, phase: phase, at: at)
        LabLog.line("\(id) \(phase.rawValue) at \(at.rfc3339)")
    }

    /// Pushes the rule to the gateway until it answers 200 with that version or newer; returns why
    /// not when it never does.
    private func push(_ document: RuleDocument) async -> String? {
        guard let body = try? JSONEncoder().encode(document) else { return "rule could not be encoded" }
        let clock = ContinuousClock()
        let deadline = clock.now + pushTimeout
        var lastProblem = "not tried"
        while clock.now < deadline {
            let reply = await Upstream.send(
                method: "PUT", url: gatewayURL + "/internal/rules",
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                body: Array(body), timeout: .seconds(1))
            switch reply {
            case .success(let reply) where reply.status == 200:
                struct Answer: Decodable { var version: Int }
                let applied = (try? JSONDecoder().decode(Answer.self, from: Data(reply.body)))?.version ?? 0
                if applied >= document.version { return nil }
                lastProblem = "gateway reports rule version \(applied), not \(document.version)"
            case .success(let reply):
                lastProblem = "gateway answered HTTP \(reply.status)"
            case .failure(let error):
                lastProblem = "gateway unreachable: \(error.message)"
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return "rule version \(document.version) not applied by the gateway within \(pushTimeout): \(lastProblem)"
    }
}
