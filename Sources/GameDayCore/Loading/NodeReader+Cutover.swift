import Foundation
import Yams

// MARK: - Cut-overs, their steps, polls and commands

extension NodeReader {
    /// `cutover:` and `rollback.cutback:`: one `request:` or `command:` (the short form of one
    /// step), or `steps:`.
    func cutover(_ node: Node, path: String) -> CutoverSpec? {
        guard let fields = mapping(node, path: path, shape: DrillFormat.cutover) else { return nil }
        var spec = cutoverCalls(fields, node: node, path: path)
        let trigger = self.trigger(fields, path: path)
        if let trigger { spec?.trigger = trigger } else { spec = nil }
        if let movesNode = fields["moves"], let entries = anyMapping(movesNode, path: fields.path("moves")) {
            for (shard, keyNode) in entries.keys {
                guard let unitNode = entries[shard], let unit = text(unitNode) else { continue }
                spec?.moves[shard] = unit
                spec?.moveLocations[shard] = location(of: keyNode)
            }
        }
        return spec
    }

    private func cutoverCalls(_ fields: MappingFields, node: Node, path: String) -> CutoverSpec? {
        guard let stepsNode = fields["steps"] else {
            return action(fields, node: node, path: path).map(CutoverSpec.init)
        }
        for (name, key) in fields.keys where DrillFormat.cutoverActionKeys.contains(name) {
            error(
                "'\(fields.path(name))' belongs in a step: \(describe(path: path)) has 'steps', each with its own "
                    + "request or command, accept, id_field, poll and timeout", at: key)
        }
        guard let items = list(stepsNode, path: fields.path("steps"), nonEmpty: true) else { return nil }
        var steps: [CutoverStep] = []
        var firstNames: [String: Node] = [:]
        for (index, item) in items.enumerated() {
            guard let step = step(item, path: "\(fields.path("steps"))[\(index)]") else { continue }
            if let first = firstNames[step.name] {
                error(
                    "duplicate step name '\(step.name)' in '\(fields.path("steps"))'; first given at line "
                        + "\(location(of: first).line)", at: item)
            }
            firstNames[step.name] = firstNames[step.name] ?? item
            steps.append(step)
        }
        guard steps.count == items.count else { return nil }
        return CutoverSpec(steps: steps)
    }

    /// One of `steps:`: `{name, request | command, accept, id_field, poll, timeout, undo}`.
    private func step(_ node: Node, path: String) -> CutoverStep? {
        guard let fields = mapping(node, path: path, shape: DrillFormat.cutoverStep) else { return nil }
        let name = fields["name"].flatMap { text($0) }
        let undo = fields["undo"].flatMap { undoNode -> CutoverAction? in
            guard let undoFields = mapping(undoNode, path: fields.path("undo"), shape: DrillFormat.cutoverUndo)
            else { return nil }
            return action(undoFields, node: undoNode, path: fields.path("undo"))
        }
        guard let action = action(fields, node: node, path: path), let name else { return nil }
        if fields["undo"] != nil, undo == nil { return nil }
        return CutoverStep(name: name, action: action, undo: undo)
    }

    /// The call of a cut-over, a step or an undo, with `accept`, `id_field`, `poll` and `timeout`.
    private func action(_ fields: MappingFields, node: Node, path: String) -> CutoverAction? {
        let call = self.call(fields, node: node, path: path)
        let accept = fields["accept"].flatMap { statuses($0, path: fields.path("accept")) }
        let idField = fields["id_field"].flatMap { text($0) }
        let poll = fields["poll"].flatMap { self.poll($0, path: fields.path("poll")) }
        let timeout = fields["timeout"].flatMap { duration($0) }
        if case .command? = call, let acceptNode = fields["accept"] {
            error(
                "'\(fields.path("accept"))' lists HTTP statuses, but \(describe(path: path)) runs a command: "
                    + "its exit status 0 means taken", at: acceptNode)
        }
        guard let call else { return nil }
        if fields["poll"] != nil, poll == nil { return nil }
        return CutoverAction(
            call: call, accept: accept ?? CutoverAction.defaultAccept, idField: idField, poll: poll,
            timeout: timeout ?? CutoverAction.defaultTimeout)
    }

    /// `request:` or `command:`, exactly one.
    private func call(_ fields: MappingFields, node: Node, path: String) -> ControlPlaneCall? {
        switch (fields["request"], fields["command"]) {
        case (let request?, nil):
            return self.request(request, path: fields.path("request")).map { .request($0) }
        case (nil, let command?):
            return self.command(command, path: fields.path("command")).map { .command($0) }
        case (_?, let command?):
            error("\(describe(path: path)) has both 'request' and 'command'; give one of them", at: command)
            return nil
        case (nil, nil):
            error("\(describe(path: path)) needs a 'request' or a 'command'", at: node)
            return nil
        }
    }

    /// `poll:` — following the task a cut-over started, by a request or a command.
    func poll(_ node: Node, path: String) -> PollSpec? {
        guard let fields = mapping(node, path: path, shape: DrillFormat.poll) else { return nil }
        let call = self.call(fields, node: node, path: path)
        let field = fields["field"].flatMap { text($0) }
        let done = fields["done"].flatMap { texts($0, path: fields.path("done")) }
        let failed = fields["failed"].flatMap { texts($0, path: fields.path("failed")) }
        let running = fields["running"].flatMap { exitStatuses($0, path: fields.path("running")) }
        let interval = fields["interval"].flatMap { self.interval($0) }
        let timeout = fields["timeout"].flatMap { duration($0) }
        if case .request? = call, let runningNode = fields["running"] {
            error(
                "'\(fields.path("running"))' lists exit statuses of a poll command; a poll request is judged by "
                    + "its 'field'", at: runningNode)
        }
        if case .command? = call, field == nil {
            for key in ["done", "failed"] {
                guard let keyNode = fields.keys.first(where: { $0.0 == key })?.1 else { continue }
                error(
                    "'\(fields.path(key))' needs 'field': without it a poll command is judged by its exit status "
                        + "(0 done, 'running' still running, any other failed)", at: keyNode)
            }
        }
        guard let call else { return nil }
        let defaults = PollSpec(call: call, field: nil)
        let isRequest = if case .request = call { true } else { false }
        return PollSpec(
            call: call, field: field ?? (isRequest ? "state" : nil), done: done ?? defaults.done,
            failed: failed ?? defaults.failed, running: running ?? defaults.running,
            interval: interval ?? defaults.interval, timeout: timeout ?? defaults.timeout)
    }

    /// `command: [argv…]`: a non-empty list of strings, each a template; argv[0] is a plain name
    /// looked up in PATH or a path, a relative one resolved against the drill file's folder (as
    /// every path a file names) so that it means the same from any working directory.
    func command(_ node: Node, path: String) -> CommandTemplate? {
        guard case .sequence = node else {
            error(
                "expected a list of arguments for '\(path)' (argv, never a shell string), found \(describe(node))",
                at: node)
            return nil
        }
        guard let items = list(node, path: path, nonEmpty: true) else { return nil }
        var argv: [Template] = []
        for (index, item) in items.enumerated() {
            guard case .scalar = item else {
                error("expected a string for argument \(index) of '\(path)', found \(describe(item))", at: item)
                continue
            }
            guard let source = text(item, allowEmpty: index > 0) else { continue }
            let template: Template
            do {
                template = try Template(parsing: source)
            } catch {
                self.error("invalid template: \(error.message)", at: item)
                continue
            }
            if index == 0 {
                guard template.variables.isEmpty, template.environmentNames.isEmpty else {
                    error(
                        "the program of '\(path)' must be written out, not '\(source)': a value or secret there "
                            + "would choose what runs", at: item)
                    continue
                }
                argv.append(Template(stringLiteral: resolvedProgram(source)))
            } else {
                argv.append(template)
            }
        }
        guard argv.count == items.count else { return nil }
        return CommandTemplate(argv: argv, location: location(of: node))
    }

    /// A program with a slash, relative to this file's folder; a bare name stays one for PATH.
    private func resolvedProgram(_ program: String) -> String {
        guard program.contains("/"), !program.hasPrefix("/") else { return program }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        return URL(fileURLWithPath: program, relativeTo: folder).standardizedFileURL.path
    }

    /// `running: [75]` — exit statuses 1…255.
    private func exitStatuses(_ node: Node, path: String) -> [Int32]? {
        guard let items = list(node, path: path, nonEmpty: true) else { return nil }
        let codes = items.compactMap { integer($0, in: 1...255, what: "an exit status") }.map(Int32.init)
        return codes.count == items.count ? codes : nil
    }
}
