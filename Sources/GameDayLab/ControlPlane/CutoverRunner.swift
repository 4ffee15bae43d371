import Foundation

/// Carries out accepted cut-overs one at a time, through AppActive's phases:
/// write_block → sync_wait → switch → unblock → done. One at a time, because two switches of the
/// same rule racing each other is exactly what a real control plane must not allow.
///
/// The write block and the new rule go to every unit's order service (`OrderControlPush`), which
/// refuses covered writes with 423 until the block is lifted; the sync wait (`SyncWait`) holds the
/// switch until the destination has every write the source committed, or fails the cut-over.
struct CutoverRunner: Sendable {
    let state: ControlPlaneState
    let log: GroundTruthLog
    let gatewayURL: String
    let token: String
    let orderPush: OrderControlPush
    let syncWait: SyncWait
    /// False with `--no-sync-wait`: the switch follows the block straight away.
    let waitsForSync: Bool
    /// Lets tests make slow cut-overs on purpose.
    let switchDelay: Duration
    /// How long the switch may keep retrying the push before the cut-over fails.
    var pushTimeout: Duration = .seconds(10)

    private let queue: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init(
        state: ControlPlaneState, log: GroundTruthLog, gatewayURL: String, orders: [String: String], token: String,
        waitsForSync: Bool, syncTimeout: Duration, switchDelay: Duration
    ) {
        self.state = state
        self.log = log
        self.gatewayURL = gatewayURL
        self.token = token
        self.orderPush = OrderControlPush(state: state, orders: orders, token: token)
        self.syncWait = SyncWait(state: state, log: log, orders: orders, token: token, timeout: syncTimeout)
        self.waitsForSync = waitsForSync
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
        // A unit whose order service is down now gets the block with a later push, before it
        // answers /health again; the cut-over goes on (a dead source is what cut-overs are for).
        for (unit, problem) in await orderPush.push().sorted(by: { $0.key < $1.key }) {
            LabLog.line("\(id) write block not yet at \(unit)'s order service (\(problem)); it gets it when it is back")
        }
        await complete(id, .writeBlock)

        await state.begin(id, .syncWait)
        let pairs = await state.syncPairs(for: id)
        if waitsForSync {
            if let problem = await syncWait.wait(id, pairs: pairs) {
                await fail(id, problem)
                return
            }
        } else {
            await syncWait.skip(id, pairs: pairs)
        }
        await complete(id, .syncWait)

        await state.begin(id, .switch)
        try? await Task.sleep(for: switchDelay)
        guard let document = await state.publishRule(for: id) else { return }
        // The order services first: while the block holds it makes no difference to them, and once
        // it is lifted the destination must already accept the moved users.
        await orderPush.push()
        if let problem = await push(document) {
            await fail(id, problem)
            return
        }
        // The switch is complete only now: the gateway has answered that it applied the rule.
        await complete(id, .switch)

        await state.begin(id, .unblock)
        await state.unblock(id)
        await orderPush.push()
        await complete(id, .unblock)
        await complete(id, .done)
    }

    /// Fails the cut-over and lifts its write block, at the order services too.
    private func fail(_ id: String, _ problem: String) async {
        let at = LabTimestamp.now()
        await state.fail(id, problem, at: at)
        await log.append(cutover: id, phase: .failed, at: at)
        await orderPush.push()
        LabLog.line("\(id) failed: \(problem)")
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
