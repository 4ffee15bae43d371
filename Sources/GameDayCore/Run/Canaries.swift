import Synchronization

/// One canary write as it went.
public struct CanaryWrite: Sendable, Hashable {
    public var seq: Int
    public var sentAt: Duration
    /// When the answer (or the failure) came.
    public var answeredAt: Duration
    public var status: Int?
    /// The unit that answered, read as the probe reads it (`probe.unit_from`).
    public var unit: String?
    public var acked: Bool
    public var blocked: Bool

    public init(
        seq: Int, sentAt: Duration, answeredAt: Duration, status: Int?, unit: String?, acked: Bool, blocked: Bool
    ) {
        self.seq = seq
        self.sentAt = sentAt
        self.answeredAt = answeredAt
        self.status = status
        self.unit = unit
        self.acked = acked
        self.blocked = blocked
    }
}

/// Writes sequenced canaries for each canary user, one per interval, until stopped; each user's
/// writes go one after another (a canary is acknowledged or not before the next is sent).
public final class CanaryWriter: Sendable {
    private final class Log: Sendable {
        let writes = Mutex<[String: [CanaryWrite]]>([:])
    }

    private let log = Log()
    private let task: Task<Void, Never>

    /// Starts writing at once.
    public init(
        _ spec: CanarySpec, users: [TestUser], transport: any HTTPTransport, context: TemplateContext,
        unitFrom: UnitSource, timeout: Duration, clock: any RunClock
    ) {
        let log = self.log
        task = Task.detached {
            await withDiscardingTaskGroup { group in
                for user in users {
                    group.addTask {
                        var seq = 1
                        var next = clock.now()
                        while !Task.isCancelled {
                            do { try await clock.sleep(until: next) } catch { break }
                            let write = await Self.write(
                                seq, for: user, spec: spec, transport: transport, context: context,
                                unitFrom: unitFrom, timeout: timeout, clock: clock)
                            log.writes.withLock { $0[user.id, default: []].append(write) }
                            seq += 1
                            next = max(next + spec.interval, clock.now())
                        }
                    }
                }
            }
        }
    }

    /// Stops writing and waits for the writes in flight; returns every write per user.
    @discardableResult
    public func stop() async -> [String: [CanaryWrite]] {
        task.cancel()
        await task.value
        return log.writes.withLock { $0 }
    }

    private static func write(
        _ seq: Int, for user: TestUser, spec: CanarySpec, transport: any HTTPTransport, context: TemplateContext,
        unitFrom: UnitSource, timeout: Duration, clock: any RunClock
    ) async -> CanaryWrite {
        let sentAt = clock.now()
        // The preflight rendered this request already: it cannot fail here but for a vanished environment.
        let values = TemplateContext.userValues(user).merging([TemplateVariables.canarySeq: "\(seq)"]) { $1 }
        guard let rendered = try? RenderedRequest(spec.write, context: context.adding(values), timeout: timeout) else {
            return CanaryWrite(
                seq: seq, sentAt: sentAt, answeredAt: sentAt, status: nil, unit: nil, acked: false, blocked: false)
        }
        do {
            let response = try await transport.send(rendered.request)
            return CanaryWrite(
                seq: seq, sentAt: sentAt, answeredAt: clock.now(), status: response.status,
                unit: unitFrom.read(response).unit, acked: spec.ack.contains(response.status),
                blocked: spec.blocked.contains(response.status))
        } catch {
            return CanaryWrite(
                seq: seq, sentAt: sentAt, answeredAt: clock.now(), status: nil, unit: nil, acked: false, blocked: false)
        }
    }

    /// Reads back the canary numbers present for `user`: the list at `spec.field` of the JSON answer.
    public static func readBack(
        _ spec: CanarySpec, user: TestUser, transport: any HTTPTransport, context: TemplateContext, timeout: Duration
    ) async -> Result<Set<Int>, CanaryReadError> {
        let rendered: RenderedRequest
        do {
            rendered = try RenderedRequest(spec.read, context: context.adding(user: user), timeout: timeout)
        } catch {
            return .failure(CanaryReadError("the read request cannot be rendered: \(error)"))
        }
        var lastProblem = ""
        for _ in 0..<3 {
            do {
                let response = try await transport.send(rendered.request)
                guard (200..<300).contains(response.status) else {
                    lastProblem = "HTTP \(response.status) from \(rendered.display.url)"
                    continue
                }
                guard let json = JSONValue.parse(response.body), case .array(let items)? = json.value(at: spec.field)
                else {
                    return .failure(
                        CanaryReadError("the answer of \(rendered.display.url) has no list at '\(spec.field)'"))
                }
                return .success(Set(items.compactMap { $0.text.flatMap { Int($0) } }))
            } catch {
                lastProblem = error.message
            }
        }
        return .failure(CanaryReadError(lastProblem))
    }
}

/// Why canaries could not be read back.
public struct CanaryReadError: Error, Sendable, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The RPO measured by canaries, as archived (`rpo` in result.json).
public struct RPORecord: Sendable, Hashable, Codable {
    /// An acknowledged canary missing after the cut-over.
    public struct LostCanary: Sendable, Hashable, Codable {
        public var user: String
        public var seq: Int
        public var ackedMs: Double
        public var unit: String?

        enum CodingKeys: String, CodingKey { case user, seq, ackedMs = "acked_ms", unit }
    }

    public var goalMs: Double
    /// `T_fault − ack time of the last surviving canary` when something was lost, else 0.
    public var observedMs: Double?
    public var met: Bool
    public var written: Int
    public var acked: Int
    /// Acknowledged before the first fault: what the measurement rests on.
    public var ackedBeforeFault: Int
    public var lost: Int
    public var lostCanaries: [LostCanary]
    /// Writes refused because writes were blocked (the cut-over's write block).
    public var blocked: Int
    public var writeBlockedFromMs: Double?
    public var writeBlockedToMs: Double?
    public var writeBlockedMs: Double?
    /// When the canaries were read back.
    public var readMs: Double?
    public var readErrors: [String]

    enum CodingKeys: String, CodingKey {
        case goalMs = "goal_ms", observedMs = "observed_ms", met, written, acked, ackedBeforeFault =
            "acked_before_fault",
            lost, lostCanaries = "lost_canaries", blocked, writeBlockedFromMs = "write_blocked_from_ms",
            writeBlockedToMs = "write_blocked_to_ms", writeBlockedMs = "write_blocked_ms", readMs = "read_ms",
            readErrors = "read_errors"
    }

    /// Compares what was acknowledged with what was read back.
    ///
    /// Lost canaries are acknowledged ones missing from the read-back. Per user with losses, the
    /// last surviving canary is the latest one acknowledged before its earliest lost one; the RPO is
    /// `fault − its acknowledgement` (the data written since that moment is gone), at least zero. When
    /// a lost write was acknowledged after `fault` (the fault took a moment to land), the failure was
    /// no earlier than that acknowledgement, and the RPO runs to it instead.
    public static func measure(
        writes: [String: [CanaryWrite]], present: [String: Result<Set<Int>, CanaryReadError>], fault: Duration?,
        goal: Duration, readAt: Duration?
    ) -> RPORecord {
        let all = writes.values.flatMap { $0 }
        let blocked = all.filter(\.blocked)
        var lost: [LostCanary] = []
        var observed: Duration = .zero
        var errors: [String] = []
        for (user, list) in writes.sorted(by: { $0.key < $1.key }) {
            guard let outcome = present[user] else { continue }
            let seen: Set<Int>
            switch outcome {
            case .success(let set): seen = set
            case .failure(let error):
                errors.append("user \(user): \(error.message)")
                continue
            }
            let acked = list.filter(\.acked)
            let missing = acked.filter { !seen.contains($0.seq) }
            guard let firstLost = missing.min(by: { $0.answeredAt < $1.answeredAt }) else { continue }
            lost += missing.map {
                LostCanary(user: user, seq: $0.seq, ackedMs: $0.answeredAt.milliseconds, unit: $0.unit)
            }
            let survivor = acked.filter { seen.contains($0.seq) && $0.answeredAt < firstLost.answeredAt }
                .max { $0.answeredAt < $1.answeredAt }
            let since = survivor?.answeredAt ?? (list.first?.sentAt ?? .zero)
            // The unit failed at the fault, or later: T_fault is marked as the fault starts, and a
            // write acknowledged after it (while the kill was still on its way) was lost too.
            let lastLost = missing.map(\.answeredAt).max() ?? firstLost.answeredAt
            let failed = max(fault ?? lastLost, lastLost)
            observed = max(observed, max(.zero, failed - since))
        }
        let from = blocked.map(\.sentAt).min()
        let to = blocked.map(\.answeredAt).max()
        let complete = errors.isEmpty && !present.isEmpty
        return RPORecord(
            goalMs: goal.milliseconds, observedMs: complete ? observed.milliseconds : nil,
            met: complete && observed <= goal && (goal > .zero || lost.isEmpty),
            written: all.count, acked: all.count(where: \.acked),
            ackedBeforeFault: fault.map { fault in all.count { $0.acked && $0.answeredAt < fault } } ?? 0,
            lost: lost.count, lostCanaries: lost.sorted { ($0.user, $0.seq) < ($1.user, $1.seq) },
            blocked: blocked.count, writeBlockedFromMs: from?.milliseconds, writeBlockedToMs: to?.milliseconds,
            writeBlockedMs: from.flatMap { from in to.map { ($0 - from).milliseconds } }, readMs: readAt?.milliseconds,
            readErrors: errors)
    }
}

extension RPORecord {
    /// The `rpo` verdict: passes when the RPO observed meets the goal (and, with a goal of 0, nothing
    /// was lost); fails, saying why, when the canaries could not be read back or nothing was
    /// acknowledged before the fault to measure by.
    public var verdict: Verdict {
        if !readErrors.isEmpty {
            return Verdict("rpo", .fail, "the canaries could not be read back: \(readErrors.joined(separator: "; "))")
        }
        if ackedBeforeFault == 0 {
            return Verdict(
                "rpo", .fail,
                "no canary was acknowledged before the fault (\(written) written): nothing to measure the RPO by")
        }
        func format(_ ms: Double) -> String { DurationText.format(.milliseconds(ms)) }
        var text = "\(acked) acknowledged canaries"
        if lost > 0 {
            let first = lostCanaries.map(\.ackedMs).min() ?? 0
            let last = lostCanaries.map(\.ackedMs).max() ?? 0
            let users = Set(lostCanaries.map(\.user)).sorted().map { "user \($0)" }.joined(separator: ", ")
            text +=
                ", \(lost) lost (\(users); acknowledged from \(DrillRunner.ms(.milliseconds(first))) to \(DrillRunner.ms(.milliseconds(last))))"
        } else {
            text += ", none lost"
        }
        text += "; RPO \(format(observedMs ?? 0)) against a goal of \(format(goalMs))"
        if let blocked = writeBlockedMs { text += "; writes blocked for \(format(blocked)) (\(self.blocked) refused)" }
        return Verdict("rpo", met ? .pass : .fail, text)
    }
}
