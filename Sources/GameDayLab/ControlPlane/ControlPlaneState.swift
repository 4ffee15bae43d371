import GameDayCore

/// The control plane's memory: the published rule and its version, every cut-over, and what is
/// write-blocked right now. An actor, because requests and the cut-over runner change it at once.
actor ControlPlaneState {
    let baseline: RoutingRule
    private(set) var document: RuleDocument
    private var cutovers: [String: Cutover] = [:]
    private var moves: [String: CutoverRequest] = [:]
    private(set) var writeBlocks: [WriteBlock] = []
    private var nextNumber = 1
    /// New at every start of the control plane; see `ControlSnapshot`.
    let incarnation: String
    /// Grows with every change of the rule or the write blocks.
    private var controlVersion = 1
    /// `/metrics`' cut-over counters, moved with every phase recorded here.
    private let metrics: CutoverMetrics?

    init(baseline: RoutingRule, incarnation: String = LabToken.generate(), metrics: CutoverMetrics? = nil) {
        self.baseline = baseline
        self.document = RuleDocument(version: 1, rule: baseline)
        self.incarnation = incarnation
        self.metrics = metrics
    }

    /// The rule and the write blocks as the order services get them.
    var snapshot: ControlSnapshot {
        ControlSnapshot(incarnation: incarnation, version: controlVersion, rules: document, writeBlocks: writeBlocks)
    }

    var units: [String] { baseline.units }

    func cutover(_ id: String) -> Cutover? { cutovers[id] }

    /// Every cut-over, oldest first.
    var allCutovers: [Cutover] {
        cutovers.values.sorted { Int($0.id.dropFirst(2)) ?? 0 < Int($1.id.dropFirst(2)) ?? 0 }
    }

    /// Records a new cut-over (nil `move`: a cut-back to the baseline) as accepted at `at`.
    func accept(_ move: CutoverRequest?, at: LabTimestamp) -> Cutover {
        let id = "c-\(nextNumber)"
        nextNumber += 1
        var cutover = Cutover(
            id: id, kind: move == nil ? .cutback : .cutover, state: .accepted, from: move?.from, to: move?.to,
            users: move?.users ?? [], ranges: move?.ranges ?? [], shards: move?.shards ?? [:])
        cutover.phases.append((.accepted, at))
        cutovers[id] = cutover
        moves[id] = move
        recordMetrics(.accepted)
        return cutover
    }

    /// Marks `phase` as the one in progress.
    func begin(_ id: String, _ phase: CutoverPhase) {
        cutovers[id]?.state = phase
    }

    /// Records that `phase` completed at `at`.
    func complete(_ id: String, _ phase: CutoverPhase, at: LabTimestamp) {
        cutovers[id]?.phases.append((phase, at))
        if phase == .done { cutovers[id]?.state = .done }
        recordMetrics(phase)
    }

    /// Counts `phase` and whether a cut-over is still under way.
    private func recordMetrics(_ phase: CutoverPhase) {
        guard let metrics else { return }
        metrics.record(phase)
        metrics.setInProgress(cutovers.values.contains { $0.state != .done && $0.state != .failed })
    }

    /// Records how the sync wait of one source → destination went.
    func record(_ id: String, sync: SyncProgress) {
        guard var cutover = cutovers[id] else { return }
        if let index = cutover.sync.firstIndex(where: { $0.from == sync.from && $0.to == sync.to }) {
            cutover.sync[index] = sync
        } else {
            cutover.sync.append(sync)
        }
        cutovers[id] = cutover
    }

    func fail(_ id: String, _ message: String, at: LabTimestamp) {
        cutovers[id]?.state = .failed
        cutovers[id]?.error = message
        cutovers[id]?.phases.append((.failed, at))
        unblock(id)
        recordMetrics(.failed)
    }

    /// Puts the cut-over's users and slots under a write block. A cut-back blocks whatever differs
    /// from the baseline at this moment, which is what it is about to move back.
    func block(_ id: String) {
        guard var cutover = cutovers[id] else { return }
        if cutover.kind == .cutback {
            cutover.users = document.rule.usersDiffering(from: baseline)
            cutover.ranges = document.rule.slotsDiffering(from: baseline)
            cutover.shards = document.rule.shardsDiffering(from: baseline)
            cutovers[id] = cutover
        }
        writeBlocks.append(
            WriteBlock(
                cutover: id, users: cutover.users, ranges: cutover.ranges, shards: cutover.shards.keys.sorted()))
        controlVersion += 1
    }

    func unblock(_ id: String) {
        guard writeBlocks.contains(where: { $0.cutover == id }) else { return }
        writeBlocks.removeAll { $0.cutover == id }
        controlVersion += 1
    }

    /// Which unit's writes must reach which unit before this cut-over may switch: from → to for a
    /// cut-over; for a cut-back, from each moving user's and slot's current unit to its baseline
    /// unit. Call it before the switch, while the rule in force is still the one moved away from.
    func syncPairs(for id: String) -> [SyncPair] {
        guard let cutover = cutovers[id] else { return [] }
        var pairs: Set<SyncPair> = []
        if let from = cutover.from {
            // A cut-over: from → its one destination, and → each unit a shard moves to.
            for to in Set([cutover.to].compactMap { $0 } + cutover.shards.values) {
                pairs.insert(SyncPair(from: from, to: to))
            }
            return pairs.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        }
        for (shard, to) in cutover.shards {
            if let from = document.rule.shards[shard], from != to { pairs.insert(SyncPair(from: from, to: to)) }
        }
        for user in cutover.users {
            if let from = document.rule.unit(for: user), let to = baseline.unit(for: user), from != to {
                pairs.insert(SyncPair(from: from, to: to))
            }
        }
        func unit(of slot: Int, in rule: RoutingRule) -> String? {
            (rule.ranges.first { $0.contains(slot) }?.destination ?? rule.fallback).flatMap(rule.unit(of:))
        }
        for range in cutover.ranges {
            for slot in range.from...range.to {
                if let from = unit(of: slot, in: document.rule), let to = unit(of: slot, in: baseline), from != to {
                    pairs.insert(SyncPair(from: from, to: to))
                }
            }
        }
        return pairs.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    /// Publishes the rule after this cut-over as a new version, computed from the rule in force now
    /// so that cut-overs applied one after another compose.
    func publishRule(for id: String) -> RuleDocument? {
        guard cutovers[id] != nil else { return nil }
        let rule: RoutingRule
        if let move = moves[id] {
            rule = document.rule.moving(
                users: move.users ?? [], ranges: move.ranges ?? [], shards: move.shards ?? [:], from: move.from,
                to: move.to)
        } else {
            rule = baseline
        }
        document = RuleDocument(version: document.version + 1, rule: rule)
        controlVersion += 1
        cutovers[id]?.ruleVersion = document.version
        return document
    }
}
