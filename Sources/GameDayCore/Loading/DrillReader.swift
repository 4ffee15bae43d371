import Yams

/// Reads the tree of a drill file into a `Drill`, reporting every problem to its `NodeReader`.
///
/// A value that cannot be read is reported and replaced by its default so reading carries on;
/// a file with any diagnostic never yields a drill, so those stand-ins are never used.
struct DrillReader {
    let reader: NodeReader

    func drill(_ root: Node) -> Drill? {
        let r = reader
        guard let top = r.mapping(root, path: "", shape: DrillFormat.top) else { return nil }
        let name = top["drill"].flatMap { r.slug($0, what: "drill name", example: "storefront-strong-dependency") }
        let description = top["description"].flatMap { r.text($0) }
        let probe = top["probe"].flatMap { self.probe($0, path: "probe") }
        let sections = (cutover: top["cutover"] != nil, recovery: top["recovery"] != nil)
        let users = top["users"].flatMap { self.users($0, sections: sections) }
        let steadyState = top["steady_state"].flatMap { self.steadyState($0) }
        let faults = top["faults"].flatMap { self.faults($0) }
        let observe = top["observe"].flatMap { self.observe($0) }
        let cutover = top["cutover"].flatMap { r.cutover($0, path: "cutover") }
        let recovery = top["recovery"].flatMap { self.recovery($0) }
        let rollback = top["rollback"].flatMap { self.rollback($0) }
        let guardrail = top["guardrail"].flatMap { self.window($0, path: "guardrail") }
        let rpo = top["rpo"].flatMap { self.rpo($0) }
        let checks = top["checks"].flatMap { self.checks($0, hasRecovery: sections.recovery) }
        let hooks = top["hooks"].flatMap { r.hooks($0) }
        guard let name, let probe, let users, let faults else { return nil }
        if users.users.isEmpty, users.groups.isEmpty { return nil }
        if let rpo, let node = top["rpo"] {
            let ids = Set(users.users.map(\.id))
            for id in rpo.users ?? [] where !ids.contains(id) {
                r.error("'rpo.users' names user \(id), which 'users' does not list", at: node)
            }
            let moving = users.users.contains { $0.recoversOn != nil } || users.groups.contains { $0.recoversOn != nil }
            if rpo.users == nil, !moving {
                r.error(
                    "'rpo' writes canaries for the users that 'recovers_on' another unit, and there are none: list them in 'rpo.users'",
                    at: node)
            }
        }
        var drill = Drill(
            name: name, description: description, probe: probe, users: users.users,
            steadyState: steadyState ?? SteadyStateSpec(), faults: faults, observe: observe ?? ObserveSpec(),
            cutover: cutover, recovery: recovery, rollback: rollback ?? RollbackSpec(),
            guardrail: guardrail ?? .consecutive(3), rpo: rpo, userGroups: users.groups, file: r.file)
        drill.checks = checks ?? []
        drill.hooks = hooks ?? []
        return drill
    }

    // MARK: - Probe

    private func probe(_ node: Node, path: String) -> ProbeSpec? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: DrillFormat.probe) else { return nil }
        let interval = fields["interval"].flatMap { r.interval($0) }
        let timeout = fields["timeout"].flatMap { r.duration($0) }
        let unitFrom = self.unitFrom(fields)
        let maxInFlight = fields["max_in_flight"].flatMap {
            r.integer($0, in: 1...1000, what: "a number of probes in flight per user (1 to 1000)")
        }
        let success = fields["success"].flatMap { self.success($0, path: fields.path("success")) }
        guard let request = fields["request"].flatMap({ r.request($0, path: fields.path("request")) }) else {
            return nil
        }
        let defaults = ProbeSpec(request: request)
        // Against an interval that could not be read, only the focus interval's own problems are reported.
        let focusInterval = fields["focus_interval"].map {
            self.focusInterval($0, below: fields["interval"] == nil ? defaults.interval : interval)
        }
        return ProbeSpec(
            interval: interval ?? defaults.interval, timeout: timeout ?? defaults.timeout, request: request,
            success: success ?? defaults.success, unitFrom: unitFrom ?? defaults.unitFrom,
            maxInFlight: maxInFlight, focusInterval: focusInterval ?? defaults.focusInterval)
    }

    /// `focus_interval: 10ms`, or `off` (also `false`, `0`, `0ms`): finer than the probe interval,
    /// and no finer than any interval may be. Nil when off (or wrong: the error is reported).
    private func focusInterval(_ node: Node, below interval: Duration?) -> Duration? {
        let r = reader
        let text = if case .scalar(let scalar) = node, !r.isNull(node) { scalar.string } else { "" }
        if ["off", "false", "0"].contains(text) || DurationText.parse(text) == .zero { return nil }
        guard DurationText.parse(text) != nil else {
            r.error("expected a duration such as '10ms', or 'off', found \(r.describe(node))", at: node)
            return nil
        }
        guard let value = r.interval(node) else { return nil }
        if let interval, value >= interval {
            r.error(
                "expected a focus interval shorter than the probe interval (\(DurationText.format(interval))), "
                    + "found \(r.describe(node)); 'off' probes every user at the probe interval only", at: node)
            return nil
        }
        return value
    }

    /// `unit_from: { header: X-Unit }` or `{ body: /unit }`, or its short form `unit_header: X-Unit`.
    private func unitFrom(_ probe: MappingFields) -> UnitSource? {
        let r = reader
        let short = probe["unit_header"].flatMap { r.text($0) }.map { UnitSource.header($0) }
        guard let node = probe["unit_from"] else { return short }
        let both = probe["unit_header"] != nil
        if both, let key = probe.keys.first(where: { $0.0 == "unit_from" })?.1 {
            r.error(
                "\(r.describe(path: probe.path)) takes either 'unit_header' or 'unit_from', not both "
                    + "('unit_header: NAME' is short for 'unit_from: { header: NAME }')", at: key)
        }
        // Read on when both are given, so that the long form's own mistakes are reported too.
        let long = unitFrom(node, path: probe.path("unit_from"))
        return both ? nil : long
    }

    /// `{ header: X-Unit }` or `{ body: /unit }`: exactly one, a header name or a JSON Pointer.
    private func unitFrom(_ node: Node, path: String) -> UnitSource? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: DrillFormat.unitFrom) else { return nil }
        switch (fields["header"], fields["body"]) {
        case (let header?, nil):
            return r.text(header).map { .header($0) }
        case (nil, let body?):
            guard let text = r.text(body, allowEmpty: true) else { return nil }
            do {
                return .body(try JSONPointer(text))
            } catch {
                r.error("\(r.describe(path: fields.path("body"))): \(error)", at: body)
                return nil
            }
        case (.some, .some):
            r.error("\(r.describe(path: path)) takes either 'header' or 'body', not both", at: node)
            return nil
        case (nil, nil):
            r.error(
                "\(r.describe(path: path)) needs 'header: NAME' or 'body: /json/pointer' (such as /unit)", at: node)
            return nil
        }
    }

    private func success(_ node: Node, path: String) -> SuccessCriteria? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: DrillFormat.success) else { return nil }
        let status = fields["status"].flatMap { r.statuses($0, path: fields.path("status")) }
        var headers: [String: String] = [:]
        if let node = fields["headers"], let mapping = r.anyMapping(node, path: fields.path("headers")) {
            for (name, _) in mapping.keys {
                if let value = mapping[name].flatMap({ r.text($0) }) { headers[name] = value }
            }
        }
        let bodyContains = fields["body_contains"].flatMap { r.texts($0, path: fields.path("body_contains")) }
        return SuccessCriteria(status: status ?? [200], headers: headers, bodyContains: bodyContains ?? [])
    }

    // MARK: - Phases

    private func steadyState(_ node: Node) -> SteadyStateSpec? {
        guard let fields = reader.mapping(node, path: "steady_state", shape: DrillFormat.steadyState) else {
            return nil
        }
        return SteadyStateSpec(duration: fields["duration"].flatMap { reader.duration($0) } ?? .seconds(1))
    }

    private func observe(_ node: Node) -> ObserveSpec? {
        guard let fields = reader.mapping(node, path: "observe", shape: DrillFormat.observe) else { return nil }
        return ObserveSpec(
            duration: fields["duration"].flatMap { reader.duration($0) } ?? .seconds(1),
            timeout: fields["timeout"].flatMap { reader.duration($0) })
    }

    private func recovery(_ node: Node) -> RecoverySpec? {
        let r = reader
        guard let fields = r.mapping(node, path: "recovery", shape: DrillFormat.recovery) else { return nil }
        let window = fields["window"].flatMap { self.window($0, path: fields.path("window")) }
        let timeout = fields["timeout"].flatMap { r.duration($0) }
        guard let rto = fields["rto"].flatMap({ r.duration($0) }) else { return nil }
        return RecoverySpec(rto: rto, window: window ?? .consecutive(5), timeout: timeout)
    }

    /// `{ consecutive: 5 }` or `{ k: 8, n: 10 }`.
    private func window(_ node: Node, path: String) -> SuccessWindow? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: DrillFormat.window) else { return nil }
        let counts = InputLimits.windowCounts
        let consecutive = fields["consecutive"].flatMap { r.integer($0, in: counts, what: "a count of probes") }
        let k = fields["k"].flatMap { r.integer($0, in: counts, what: "a count of probes") }
        let n = fields["n"].flatMap { r.integer($0, in: counts, what: "a count of probes") }
        let hasConsecutive = fields["consecutive"] != nil
        let hasKOfN = fields["k"] != nil || fields["n"] != nil
        switch (hasConsecutive, hasKOfN) {
        case (true, true):
            r.error("\(r.describe(path: path)) takes either 'consecutive' or 'k' and 'n', not both", at: node)
            return nil
        case (false, false):
            r.error("\(r.describe(path: path)) needs 'consecutive: N', or 'k' and 'n' for k of the last n", at: node)
            return nil
        case (true, false):
            return consecutive.map { .consecutive($0) }
        case (false, true):
            for key in ["k", "n"] where fields[key] == nil {
                r.error("missing required key '\(key)' in \(r.describe(path: path))", at: node)
            }
            guard let k, let n else { return nil }
            if k > n, let kNode = fields["k"] {
                r.error("'k' (\(k)) must not be greater than 'n' (\(n))", at: kNode)
                return nil
            }
            return .kOfN(k: k, n: n)
        }
    }

    /// `rpo:` — canary writes and their read-back.
    private func rpo(_ node: Node) -> CanarySpec? {
        let r = reader
        guard let fields = r.mapping(node, path: "rpo", shape: DrillFormat.rpo) else { return nil }
        let goal = fields["goal"].flatMap { r.duration($0, allowZero: true) }
        let interval = fields["interval"].flatMap { r.interval($0) }
        let grace = fields["grace"].flatMap { r.duration($0) }
        let users = fields["users"].flatMap { node in
            r.list(node, path: fields.path("users"), nonEmpty: true).map { items in
                items.compactMap { r.routingKey($0) }
            }
        }
        var write: (RequestTemplate, [Int]?, [Int]?)?
        if let node = fields["write"],
            let parts = r.mapping(node, path: fields.path("write"), shape: DrillFormat.canaryWrite)
        {
            let request = parts["request"].flatMap { r.request($0, path: parts.path("request")) }
            let ack = parts["ack"].flatMap { r.statuses($0, path: parts.path("ack")) }
            let blocked = parts["blocked"].flatMap { r.statuses($0, path: parts.path("blocked")) }
            write = request.map { ($0, ack, blocked) }
        }
        var read: (RequestTemplate, String?)?
        if let node = fields["read"],
            let parts = r.mapping(node, path: fields.path("read"), shape: DrillFormat.canaryRead)
        {
            let request = parts["request"].flatMap { r.request($0, path: parts.path("request")) }
            read = request.map { ($0, parts["field"].flatMap { r.text($0) }) }
        }
        guard let write, let read else { return nil }
        let defaults = CanarySpec(write: write.0, read: read.0)
        return CanarySpec(
            goal: goal ?? defaults.goal, interval: interval ?? defaults.interval, grace: grace ?? defaults.grace,
            users: users, write: write.0, ack: write.1 ?? defaults.ack, blocked: write.2 ?? defaults.blocked,
            read: read.0, field: read.1 ?? defaults.field, location: r.location(of: node))
    }

    private func rollback(_ node: Node) -> RollbackSpec? {
        let r = reader
        guard let fields = r.mapping(node, path: "rollback", shape: DrillFormat.rollback) else { return nil }
        return RollbackSpec(
            cutback: fields["cutback"].flatMap { r.cutover($0, path: fields.path("cutback")) },
            steadyState: fields["steady_state"].flatMap { r.duration($0) } ?? .seconds(1))
    }
}
