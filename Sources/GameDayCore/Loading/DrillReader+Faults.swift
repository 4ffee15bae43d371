import Yams

extension DrillReader {
    /// `faults:` — a non-empty list of faults with distinct names, all on one unit.
    func faults(_ node: Node) -> [FaultSpec]? {
        let r = reader
        guard let items = r.list(node, path: "faults", nonEmpty: true) else { return nil }
        var faults: [FaultSpec] = []
        var firstLine: [String: Int] = [:]
        var firstUnit: (unit: String, fault: String)?
        for (index, item) in items.enumerated() {
            guard let fields = r.mapping(item, path: "faults[\(index)]", shape: DrillFormat.fault) else { continue }
            let name = fields["name"].flatMap { r.text($0) }
            let kind = fields["kind"].flatMap { node in
                r.choice(node, what: "fault kind", options: DrillFormat.faultKinds.map { ($0, $0) })
            }
            let unit = fields["unit"].flatMap { r.text($0) }
            let service = fields["service"].flatMap { r.text($0) }
            var action: FaultAction?
            if let kind {
                checkKeys(fields, of: kind, at: item)
                action = FaultActionReader(reader: r, fields: fields, node: item).action(kind: kind)
            }
            if let name, let nameNode = fields["name"] {
                if let line = firstLine[name] {
                    r.error("duplicate fault name '\(name)'; first used at line \(line)", at: nameNode)
                } else {
                    firstLine[name] = r.location(of: nameNode).line
                }
            }
            if let unit, let unitNode = fields["unit"] {
                if let first = firstUnit, first.unit != unit {
                    let message =
                        "all faults of a drill hit one unit: fault '\(first.fault)' hits '\(first.unit)', this one hits '\(unit)'"
                    r.error(message, at: unitNode)
                } else if firstUnit == nil {
                    firstUnit = (unit, name ?? "faults[\(index)]")
                }
            }
            guard let name, let unit, let action, service != nil || fields["service"] == nil else { continue }
            var fault = FaultSpec(
                name: name, unit: unit, service: service ?? "", action: action, location: r.location(of: item))
            switch (fields["hosts"], fields["pods"]) {
            case (let node?, nil):
                if let share = share(node, of: "hosts") { fault.hosts = share }
            case (nil, let node?):
                if let share = share(node, of: "pods") { (fault.hosts, fault.shareKey) = (share, .pods) }
            case (.some, let node?):
                r.error(
                    "fault '\(name)' takes 'hosts' (a service on SSH hosts) or 'pods' (a service in pods), not both",
                    at: node)
            case (nil, nil): break
            }
            if let node = fields["on_partial"],
                let policy = r.choice(
                    node, what: "on_partial", options: [("abort", PartialInjection.abort), ("continue", .continue)])
            {
                fault.onPartial = policy
            }
            faults.append(fault)
        }
        return faults
    }

    /// `hosts: all`, `hosts: 3`, `hosts: 40%` (or `pods:` for a service in pods).
    private func share(_ node: Node, of key: String) -> HostShare? {
        let r = reader
        if case .scalar(let scalar) = node {
            if scalar.string == "all" { return .all }
            if scalar.string.hasSuffix("%") {
                guard let percent = r.percentage(node, what: "a share of the \(key)") else { return nil }
                guard percent > 0 else {
                    r.error("'\(key)' takes a share above 0%, found '\(scalar.string)'", at: node)
                    return nil
                }
                return .percent(percent)
            }
            if r.isPlain(node), Int(scalar.string) != nil {
                return r.integer(node, in: 1...100_000, what: "a number of \(key)").map { .count($0) }
            }
        }
        r.error(
            "'\(key)' takes all, a number of \(key) (3) or a share of them ('40%'), found \(r.describe(node))", at: node
        )
        return nil
    }

    /// Reports keys that belong to another kind of fault, and keys `kind` requires that are missing.
    private func checkKeys(_ fields: MappingFields, of kind: String, at node: Node) {
        let r = reader
        guard let shape = DrillFormat.faultKindShapes.first(where: { $0.kind == kind })?.shape else { return }
        let allowed = DrillFormat.faultCommonKeys + shape.keys
        for (key, keyNode) in fields.keys where DrillFormat.fault.keys.contains(key) && !allowed.contains(key) {
            let owners = DrillFormat.faultKindShapes.filter { $0.shape.keys.contains(key) }.map(\.kind)
            var message = "'\(key)' belongs to \(owners.joinedAsProse) faults, not \(kind)"
            if kind == "pause-process" { message += ", which sends SIGSTOP and resumes with SIGCONT" }
            r.error(message, at: keyNode)
        }
        for key in shape.required where fields[key] == nil {
            r.error("missing required key '\(key)' in \(r.describe(path: fields.path))", at: node)
        }
    }
}

extension [String] {
    /// `a`, `a and b`, `a, b and c`: the kinds or toxics a key belongs to, in a message.
    var joinedAsProse: String {
        guard let last, count > 1 else { return first ?? "" }
        return dropLast().joined(separator: ", ") + " and " + last
    }
}
