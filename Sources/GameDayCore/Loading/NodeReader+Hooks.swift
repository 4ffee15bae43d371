import Yams

extension NodeReader {
    /// `hooks:` of a drill or a target — a list of hooks with distinct names.
    func hooks(_ node: Node) -> [Hook]? {
        guard let items = list(node, path: "hooks") else { return nil }
        var hooks: [Hook] = []
        var firstLine: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            // Names are compared as written, so a duplicate shows even beside other mistakes.
            if case .mapping(let fields) = item, let nameNode = fields["name"], case .scalar(let name) = nameNode {
                if let line = firstLine[name.string] {
                    error("duplicate hook name '\(name.string)'; first used at line \(line)", at: nameNode)
                } else {
                    firstLine[name.string] = location(of: nameNode).line
                }
            }
            if let hook = hook(item, path: "hooks[\(index)]") { hooks.append(hook) }
        }
        return hooks.count == items.count ? hooks : nil
    }

    /// `{ name, before: PHASE | after: PHASE | after: run, run: [argv…], timeout, on_failure }`.
    private func hook(_ node: Node, path: String) -> Hook? {
        guard let fields = mapping(node, path: path, shape: HookFormat.hook) else { return nil }
        let name = fields["name"].flatMap { slug($0, what: "hook name", example: "change-ticket") }
        let run = fields["run"].flatMap { command($0, path: fields.path("run")) }
        let timeout = fields["timeout"].flatMap { duration($0) }
        let onFailure = fields["on_failure"].flatMap { node in
            choice(node, what: "on_failure", options: [("abort", Hook.OnFailure.abort), ("warn", .warn)])
        }
        let moment = self.moment(fields, node: node, path: path)
        guard let name, let run, let moment else { return nil }
        if onFailure == .abort, !moment.precedesFaults, let policy = fields["on_failure"] {
            error(
                "hook '\(name)' runs \(moment), when faults may already be applied: its 'on_failure' can only be "
                    + "'warn' ('abort' is for hooks up to 'before: inject', when nothing is harmed yet)", at: policy)
            return nil
        }
        return Hook(
            name: name, moment: moment, run: run, timeout: timeout ?? Hook.defaultTimeout,
            onFailure: onFailure ?? .warn, location: location(of: node))
    }

    /// `before: PHASE` or `after: PHASE` (or `after: run`), exactly one.
    private func moment(_ fields: MappingFields, node: Node, path: String) -> Hook.Moment? {
        switch (fields["before"], fields["after"]) {
        case (let before?, nil):
            return choice(before, what: "phase", options: HookFormat.phases.map { ($0.0, Hook.Moment.before($0.1)) })
        case (nil, let after?):
            return choice(
                after, what: "phase",
                options: HookFormat.phases.map { ($0.0, Hook.Moment.after($0.1)) } + [("run", .afterRun)])
        case (.some, .some):
            error("\(describe(path: path)) takes either 'before' or 'after', not both", at: node)
        case (nil, nil):
            error(
                "\(describe(path: path)) needs 'before: PHASE' or 'after: PHASE' (such as 'before: inject' or "
                    + "'after: rollback'; 'after: run' once the run is over)", at: node)
        }
        return nil
    }
}

/// The shape of a hook, in drill and target files alike.
enum HookFormat {
    static let hook = MappingShape(
        ["name", "before", "after", "run", "timeout", "on_failure"], required: ["name", "run"])
    /// The phases a hook can name, as it names them.
    static let phases = RunPhase.allCases.map { (Hook.Moment.word($0), $0) }
}
