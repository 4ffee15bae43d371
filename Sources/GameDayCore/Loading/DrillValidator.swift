/// Cross-checks a drill against the target it runs on: what a drill file alone cannot tell.
public enum DrillValidator {
    /// Every problem of running `drill` on `target`, located at the drill's elements, by position;
    /// empty when the drill fits the target.
    public static func check(_ drill: Drill, against target: Target) -> [Diagnostic] {
        var check = Check(drill: drill, target: target)
        check.faults()
        check.users()
        check.templates()
        check.cutoverDestination()
        check.shardMoves()
        check.metricChecks()
        return check.diagnostics.sortedByPosition()
    }

    private struct Check {
        let drill: Drill
        let target: Target
        var diagnostics: [Diagnostic] = []

        var unitNames: [String] { target.units.map(\.name) }
        var targetName: String { "target '\(target.name)'" }

        mutating func report(_ message: String, at location: SourceLocation?) {
            diagnostics.append(Diagnostic(location ?? SourceLocation(file: drill.file, line: 1, column: 1), message))
        }

        /// Each fault names a unit (and service) of the target that has what the fault needs.
        mutating func faults() {
            for fault in drill.faults {
                guard let unit = target.unit(named: fault.unit) else {
                    let hint = Suggestion.hint(for: fault.unit, among: unitNames, listing: "its units are")
                    report(
                        "fault '\(fault.name)' hits unit '\(fault.unit)', which \(targetName) does not define\(hint)",
                        at: fault.location)
                    continue
                }
                var service: ServiceTarget?
                if !fault.service.isEmpty {
                    service = unit.service(named: fault.service)
                    guard service != nil else {
                        let names = unit.services.map(\.name)
                        let hint = Suggestion.hint(for: fault.service, among: names, listing: "its services are")
                        report(
                            "unit '\(unit.name)' of \(targetName) has no service '\(fault.service)'\(hint)",
                            at: fault.location)
                        continue
                    }
                }
                check(fault, on: unit, service: service)
                checkShare(fault, on: unit, service: service)
            }
        }

        /// `hosts:` chooses among SSH hosts, `pods:` among pods: the word must fit the service.
        private mutating func checkShare(_ fault: FaultSpec, on unit: UnitTarget, service: ServiceTarget?) {
            let inPods = service?.pods != nil
            let place = "'\(unit.name)\(service.map { "/\($0.name)" } ?? "")'"
            if fault.shareKey == .pods, !inPods {
                report(
                    "fault '\(fault.name)' chooses 'pods', but \(place) of \(targetName) does not run in pods "
                        + (service?.hosts.isEmpty == false
                            ? "(it runs on SSH hosts: use 'hosts:')" : "('pods:' of the service)"),
                    at: fault.location)
            } else if fault.shareKey == .hosts, fault.hosts != .all, inPods {
                report(
                    "fault '\(fault.name)' chooses 'hosts', but \(place) of \(targetName) runs in pods: use 'pods:'",
                    at: fault.location)
            }
        }

        /// What the fault's kind needs of its unit and service.
        private mutating func check(_ fault: FaultSpec, on unit: UnitTarget, service: ServiceTarget?) {
            switch fault.action {
            case .killProcess, .pauseProcess:
                // The loader requires a service for process faults.
                guard let service, case let (_, restart)? = fault.action.signalled else { return }
                let verb = fault.action == .pauseProcess ? "pauses" : "kills"
                let what = "fault '\(fault.name)' \(verb) service '\(service.name)' of '\(unit.name)'"
                if service.pods != nil {
                    // In pods: the kubelet restarts; without a process name a kill deletes the pods.
                    if fault.action == .pauseProcess, service.process == nil {
                        report(
                            "\(what) in pods, but \(targetName) gives no 'process: { name: ... }' to find in the container",
                            at: fault.location)
                    }
                    return
                }
                if service.process == nil {
                    report("\(what), but \(targetName) gives no 'process:' to find it", at: fault.location)
                }
                if restart, service.restart == nil {
                    report(
                        "\(what) and restarts it afterwards, but \(targetName) gives no 'restart:' command; "
                            + "add one or set 'restart: false'",
                        at: fault.location)
                }
            case .blockPort(let spec):
                if service?.pods != nil, unit.kubernetes?.debugImage == nil {
                    report(
                        "fault '\(fault.name)' blocks ports of pods, but unit '\(unit.name)' of \(targetName) has no "
                            + "'kubernetes.debug_image' (an image with nft, run as an ephemeral container with NET_ADMIN)",
                        at: fault.location)
                }
                if spec.ports.isEmpty, let service, service.port == nil {
                    report(
                        "fault '\(fault.name)' blocks the port of service '\(service.name)' of '\(unit.name)', "
                            + "but \(targetName) gives it no 'port:'; add one or list 'ports:'",
                        at: fault.location)
                }
            case .proxy(let spec):
                if unit.proxyURL == nil {
                    report(
                        "fault '\(fault.name)' adds a toxic to proxy '\(spec.proxy)', but unit '\(unit.name)' "
                            + "of \(targetName) has no fault proxy ('proxy: { url: ... }')",
                        at: fault.location)
                }
            case .latency, .bandwidth:
                // An interface of the unit's host or namespace: only the host can tell. Not in pods.
                if let service, service.pods != nil {
                    report(
                        "fault '\(fault.name)' shapes traffic of service '\(service.name)' of '\(unit.name)', which runs "
                            + "in pods: \(fault.action.kind) in pods is not supported (a qdisc left in a pod would have "
                            + "no dead-man's switch); use a proxy fault or block-port",
                        at: fault.location)
                }
            }
        }

        /// Each user's key is one the rule can route, its home is where the rule sends it;
        /// `recovers_on` is a unit of the target; generated groups have keys to generate.
        mutating func users() {
            let rule = target.routing
            for user in drill.users {
                switch rule.overrides[user.id] == nil ? rule.entry(for: user.id).problem : nil {
                case .notAnInteger?:
                    report(
                        "user '\(user.id)': \(targetName) routes by \(rule.key) % \(rule.modulo), which needs an integer key",
                        at: user.location)
                    continue
                case .notALocation?:
                    report(
                        "user '\(user.id)': \(targetName) routes by geographic fences, which need a location 'lat,lng'",
                        at: user.location)
                    continue
                case nil: break
                }
                if let home = user.home {
                    switch rule.unit(for: user.id) {
                    case home?: break
                    case let routed?:
                        report(
                            "user \(user.id) has home '\(home)' but the routing rule sends it to '\(routed)' (\(rule.explain(user.id).reason))",
                            at: user.location)
                    case nil:
                        report(
                            "user \(user.id) has home '\(home)' but the routing rule of \(targetName) sends it nowhere (\(rule.explain(user.id).reason))",
                            at: user.location)
                    }
                }
                recoveryUnit(user.recoversOn, of: "user \(user.id) recovers", at: user.location)
            }
            let routed = rule.units
            for group in drill.userGroups {
                if let unit = group.unit, !routed.contains(unit) {
                    let hint = Suggestion.hint(for: unit, among: routed, listing: "it routes to")
                    report(
                        "users '\(group.name)' are generated for unit '\(unit)', to which the routing rule of \(targetName) sends no key\(hint)",
                        at: group.location)
                } else {
                    let found = group.keys(under: rule).count
                    if group.spread == .unit, found < group.count {
                        report(
                            "users '\(group.name)': unit '\(group.unit ?? "")' has fewer than \(group.count) routing-key values of its own",
                            at: group.location)
                    } else if found == 0 {
                        let what: String
                        switch group.spread {
                        case .border: what = "no fence border (borders are for geo rules)"
                        case .fallback:
                            what =
                                "no key that only the fallback takes (the rule has no 'default:', or every key matches an entry)"
                        case .unit, .shard: what = "no key of its own"
                        }
                        report(
                            "users '\(group.name)': the routing rule of \(targetName) has \(what)", at: group.location)
                    }
                }
                recoveryUnit(group.recoversOn, of: "users '\(group.name)' recover", at: group.location)
            }
        }

        /// `cutover.moves` moves shards of the faulted unit to other units of the target; a user of
        /// a moved shard that names `recovers_on` names the unit its shard goes to.
        mutating func shardMoves() {
            let rule = target.routing
            if rule.shards.isEmpty, let cutover = drill.cutover {
                let calls = cutover.steps.flatMap { [$0.action] + ($0.undo.map { [$0] } ?? []) }
                for action in calls {
                    let used = Self.variables(of: action.call).filter {
                        $0 == TemplateVariables.cutoverShards || $0 == TemplateVariables.cutoverMoves
                    }
                    for name in used {
                        report(
                            "'{{\(name)}}' names shards, and the routing rule of \(targetName) has none",
                            at: action.call.location)
                    }
                }
            }
            guard let cutover = drill.cutover, !cutover.moves.isEmpty else { return }
            let from = drill.faultedUnit
            for shard in cutover.moves.keys.sorted() {
                let location = cutover.moveLocations[shard]
                let to = cutover.moves[shard]!
                guard let owner = rule.shards[shard] else {
                    let names = rule.shardNames
                    let hint = Suggestion.hint(for: shard, among: names, listing: "its shards are")
                    report(
                        names.isEmpty
                            ? "'cutover.moves' moves shard '\(shard)', but the routing rule of \(targetName) has no shards"
                            : "'cutover.moves' moves shard '\(shard)', which the routing rule of \(targetName) does not have\(hint)",
                        at: location)
                    continue
                }
                if let from, owner != from {
                    report(
                        "'cutover.moves' moves shard '\(shard)', which \(targetName) serves from '\(owner)', not from the faulted unit '\(from)'",
                        at: location)
                }
                if to == from {
                    report("'cutover.moves' moves shard '\(shard)' to the faulted unit '\(to)' itself", at: location)
                } else {
                    recoveryUnit(to, of: "shard '\(shard)' moves", at: location)
                }
            }
            for user in drill.users {
                guard let recovers = user.recoversOn, rule.overrides[user.id] == nil,
                    let shard = rule.entry(for: user.id).destination?.shard, let to = cutover.moves[shard],
                    to != recovers
                else { continue }
                report(
                    "user \(user.id) recovers on '\(recovers)', but its shard '\(shard)' moves to '\(to)'",
                    at: user.location)
            }
        }

        /// `recovers_on` must name a unit of the target.
        private mutating func recoveryUnit(_ unit: String?, of who: String, at location: SourceLocation?) {
            guard let unit, !unitNames.contains(unit) else { return }
            let hint = Suggestion.hint(for: unit, among: unitNames, listing: "its units are")
            report("\(who) on '\(unit)', which \(targetName) does not define\(hint)", at: location)
        }

        /// Every `{{value}}` is one the runner provides where the template is rendered.
        mutating func templates() {
            var requests: [(ControlPlaneCall, TemplateVariables.Scope)] = [(.request(drill.probe.request), .probe)]
            requests += Self.cutoverCalls(of: drill)
            if let rpo = drill.rpo {
                requests.append((.request(rpo.write), .canaryWrite))
                requests.append((.request(rpo.read), .canaryRead))
            }
            if let check = target.controlPlane.check { requests.append((.request(check), .check)) }
            if target.controlPlane.token == nil {
                for (request, _) in requests
                where Self.variables(of: request).contains(TemplateVariables.controlPlaneToken) {
                    report(
                        "'{{control_plane.token}}' is used, but \(targetName) gives no 'control_plane.token' "
                            + "(add 'token: { env: NAME }' or 'token: { file: PATH }' to its control_plane)",
                        at: request.location)
                }
            }
            for (request, scope) in requests {
                let known = TemplateVariables.known(in: scope)
                for name in Self.variables(of: request) where !known.contains(name) {
                    if let only = TemplateVariables.onlyScope(of: name) {
                        report("'{{\(name)}}' is only available in \(only), not in \(scope)", at: request.location)
                    } else {
                        let hint = Suggestion.hint(for: name, among: known, listing: "known values are")
                        report("'{{\(name)}}' names no value\(hint)", at: request.location)
                    }
                }
            }
        }

        /// A drill's `checks:` need the target's `prometheus:`, and their queries only the values a
        /// query may hold.
        mutating func metricChecks() {
            guard let first = drill.checks.first else { return }
            if target.prometheus == nil {
                report(
                    "'checks' are evaluated on the target's Prometheus, and \(targetName) names none "
                        + "(add 'prometheus: { url: http://HOST:9090 }' to it)", at: first.location)
            }
            let known = TemplateVariables.known(in: .metricQuery)
            for check in drill.checks {
                for name in check.query.variables where !known.contains(name) {
                    if name == TemplateVariables.controlPlaneToken {
                        report(
                            "a check's query must not hold '{{\(name)}}': queries are printed and archived",
                            at: check.location)
                    } else if let only = TemplateVariables.onlyScope(of: name) {
                        report(
                            "'{{\(name)}}' is only available in \(only), not in a check's 'query'", at: check.location)
                    } else {
                        let hint = Suggestion.hint(for: name, among: known, listing: "known values are")
                        report("'{{\(name)}}' names no value\(hint)", at: check.location)
                    }
                }
                if !check.query.environmentNames.isEmpty {
                    report(
                        "a check's query must not hold '${\(check.query.environmentNames[0])}': queries are printed and archived; "
                            + "the target's 'prometheus' carries the credentials", at: check.location)
                }
            }
        }

        /// `{{cutover.to}}` stands for one unit: every moving user must recover on the same one.
        mutating func cutoverDestination() {
            let destinations = Set(drill.users.compactMap(\.recoversOn)).sorted()
            guard destinations.count != 1 else { return }
            let requests = Self.cutoverCalls(of: drill).map(\.0)
            for request in requests where Self.variables(of: request).contains(TemplateVariables.cutoverTo) {
                let found =
                    destinations.isEmpty
                    ? "no user has 'recovers_on'" : "users recover on \(destinations.joined(separator: " and "))"
                report(
                    "'{{cutover.to}}' needs every moving user to recover on one unit, but \(found); "
                        + "name the unit in the request instead", at: request.location)
            }
        }

        /// Every call of the cut-over and the cut-back (their steps, polls and undos), with where it
        /// is rendered: an undo has the task id of the step it undoes, as a poll has its task's.
        static func cutoverCalls(of drill: Drill) -> [(ControlPlaneCall, TemplateVariables.Scope)] {
            var calls: [(ControlPlaneCall, TemplateVariables.Scope)] = []
            for step in [drill.cutover, drill.rollback.cutback].compactMap({ $0 }).flatMap(\.steps) {
                calls.append((step.action.call, .cutover))
                if let poll = step.action.poll { calls.append((poll.call, .poll)) }
                if let undo = step.undo {
                    calls.append((undo.call, .poll))
                    if let poll = undo.poll { calls.append((poll.call, .poll)) }
                }
            }
            return calls
        }

        /// The distinct `{{variables}}` of a request or command, in the order they first appear.
        static func variables(of call: ControlPlaneCall) -> [String] {
            let templates = call.templates
            var seen: [String] = []
            for name in templates.flatMap(\.variables) where !seen.contains(name) { seen.append(name) }
            return seen
        }
    }
}
