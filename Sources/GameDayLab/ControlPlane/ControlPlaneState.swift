import GameDayCore

/// The control plane's memory: the published rule and its version, every cut-over, and what is
/// write-blocked right now. An actor, because requests and the cut-over runner change it at once.
actor ControlPlaneState {
    /// A write block in force: writes of these users and slots must wait (AppActive's "禁写").
    struct WriteBlock: Sendable, Hashable, Encodable {
        var cutover: String
        var users: [Int]
        var ranges: [SlotRange]
    }

    let baseline: RoutingRule
    private(set) var document: RuleDocument
    private var cutovers: [String: Cutover] = [:]
    private var moves: [String: CutoverRequest] = [:]
    private(set) var writeBlocks: [WriteBlock] = []
    private var nextNumber = 1

    init(baseline: RoutingRule) {
        self.baseline = baseline
        self.document = RuleDocument(version: 1, rule: baseline)
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
            users: move?.users ?? [], ranges: move?.ranges ?? [])
        cutover.phases.append((.accepted, at))
        cutovers[id] = cutover
        moves[id] = move
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
    }

    func fail(_ id: String, _ message: String, at: LabTimestamp) {
        cutovers[id]?.state = .failed
        cutovers[id]?.error = message
        cutovers[id]?.phases.append((.failed, at))
        unblock(id)
    }

    /// Puts the cut-over's users and slots under a write block. A cut-back blocks whatever differs
    /// from the baseline at this moment, which is what it is about to move back.
    func block(_ id: String) {
        guard var cutover = cutovers[id] else { return }
        if cutover.kind == .cutback {
            cutover.users = document.rule.usersDiffering(from: baseline)
            cutover.ranges = document.rule.slotsDiffering(from: baseline)
            cutovers[id] = cutover
        }
        writeBlocks.append(WriteBlock(cutover: id, users: cutover.users, ranges: cutover.ranges))
    }

    func unblock(_ id: String) {
        writeBlocks.removeAll { $0.cutover == id }
    }

    /// Publishes the rule after this cut-over as a new version, computed from the rule in force now
    /// so that cut-overs applied one after another compose.
    func publishRule(for id: String) -> RuleDocument? {
        guard cutovers[id] != nil else { return nil }
        let rule: RoutingRule
        if let move = moves[id] {
            rule = document.rule.moving(
                users: move.users ?? [], ranges: move.ranges ?? [], from: move.from, to: move.to)
        } else {
            rule = baseline
        }
        document = RuleDocument(version: document.version + 1, rule: rule)
        cutovers[id]?.ruleVersion = document.version
        return document
    }
}
