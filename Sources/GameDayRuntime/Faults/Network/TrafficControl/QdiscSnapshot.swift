import GameDayCore

/// The egress qdiscs of one interface as they were before a fault: restored exactly on revert.
///
/// Taken with `tc -j qdisc show`, `tc class show` and `tc -j filter show`. The ingress and
/// clsact qdiscs are left out: gameday neither touches nor restores them.
public struct QdiscSnapshot: Sendable, Hashable, Codable {
    /// Who put the root qdisc there.
    public enum Owner: String, Sendable, Hashable, Codable {
        /// The kernel's own default tree (every handle `0:`), which `tc qdisc del root` brings back.
        case kernel
        /// gameday (root handle `d711:`): a fault is applied, or was left by an earlier run.
        case gameday
        /// A person or another tool.
        case foreign
    }

    public var interface: InterfaceName
    /// The egress tree, root first as tc lists it.
    public var qdiscs: [Qdisc]
    /// Classes someone created (htb...), not those a qdisc has by itself (tbf's `:1`, prio's bands).
    public var userClasses: Int
    /// Filters attached at the root.
    public var filters: Int

    public init(interface: InterfaceName, qdiscs: [Qdisc], userClasses: Int = 0, filters: Int = 0) {
        self.interface = interface
        self.qdiscs = qdiscs.filter { !$0.isIngress }
        self.userClasses = userClasses
        self.filters = filters
    }

    /// The three commands that take a snapshot.
    public static func commands(_ interface: InterfaceName) -> [[String]] {
        [
            ["tc", "-j", "qdisc", "show", "dev", interface.name],
            ["tc", "class", "show", "dev", interface.name],
            ["tc", "-j", "filter", "show", "dev", interface.name],
        ]
    }

    /// Builds a snapshot from the outputs of `commands(_:)`; `nil` when the qdisc list is not JSON.
    public static func parse(interface: InterfaceName, qdiscs: String, classes: String, filters: String)
        -> QdiscSnapshot?
    {
        guard let list = Qdisc.parseList(qdiscs) else { return nil }
        // `tc class show` has no JSON form for every kind (htb prints text even with -j).
        let implicit: Set<String> = ["tbf", "prio", "mq", "multiq", "pfifo_fast", "netem"]
        let userClasses = classes.split(whereSeparator: \.isNewline).filter { line in
            let words = line.split(separator: " ")
            return words.count >= 2 && words[0] == "class" && !implicit.contains(String(words[1]))
        }.count
        let filterCount = JSONValue(parsing: filters)?.array?.count ?? 0
        return QdiscSnapshot(interface: interface, qdiscs: list, userClasses: userClasses, filters: filterCount)
    }

    public var root: Qdisc? { qdiscs.first(where: \.isRoot) }

    public var owner: Owner {
        if root?.handle == TrafficShape.rootHandle { return .gameday }
        if qdiscs.allSatisfy(\.isKernelDefault), userClasses == 0, filters == 0 { return .kernel }
        return .foreign
    }

    /// `htb 1: root {"default":"0x10",...} (+1 qdiscs, 2 classes, 3 filters)`, for messages.
    public var summary: String {
        guard let root else { return "no root qdisc" }
        let extras = [(qdiscs.count - 1, "qdiscs"), (userClasses, "classes"), (filters, "filters")].filter { $0.0 > 0 }
        return root.description
            + (extras.isEmpty ? "" : " (+" + extras.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")")
    }

    // MARK: - Restoring

    /// Why gameday could not put this tree back after replacing it; `nil` when it can.
    public var restoreProblem: String? {
        guard owner == .foreign else { return nil }
        guard let root else { return "it has no root qdisc" }
        if qdiscs.count > 1 { return "\(root.kind) \(root.handle) has \(qdiscs.count - 1) qdiscs below it" }
        if userClasses > 0 { return "\(root.kind) \(root.handle) has \(userClasses) classes" }
        if filters > 0 { return "\(root.kind) \(root.handle) has \(filters) filters" }
        if QdiscRecipe.arguments(root) == nil {
            return
                "gameday can re-create only a single pfifo, bfifo, pfifo_fast, prio, tbf or htb root, not \(root.description)"
        }
        return nil
    }

    /// The commands that bring this tree back once gameday's root replaced it; empty when
    /// gameday's own root was there (nothing of anyone else's to restore).
    public var restoreCommands: [[String]] {
        switch owner {
        case .gameday:
            return []
        case .kernel:
            // Deleting the root makes the kernel attach its default again; naming gameday's handle
            // makes tc refuse ("Invalid handle") to delete a root someone else put there meanwhile.
            return [["tc", "qdisc", "del", "dev", interface.name, "root", "handle", TrafficShape.rootHandle]]
        case .foreign:
            guard let root, let arguments = QdiscRecipe.arguments(root) else { return [] }
            return [
                ["tc", "qdisc", "replace", "dev", interface.name, "root", "handle", root.handle, root.kind] + arguments
            ]
        }
    }

    /// The revert for a ledger recipe, safe to run any number of times, before or after the
    /// live revert: gameday's root is deleted only if it is still there (tc exits 2 otherwise,
    /// 1 when the interface is gone), then someone else's root is added back, which tc refuses
    /// (exit 2) when a root other than the kernel's default is already there.
    public var revertRecipe: [IdempotentCommand] {
        guard owner != .gameday else { return [] }
        let delete = IdempotentCommand(
            ["tc", "qdisc", "del", "dev", interface.name, "root", "handle", TrafficShape.rootHandle],
            okExitCodes: [1, 2])
        guard owner == .foreign, let root, let arguments = QdiscRecipe.arguments(root) else { return [delete] }
        let add = ["tc", "qdisc", "add", "dev", interface.name, "root", "handle", root.handle, root.kind] + arguments
        return [delete, IdempotentCommand(add, okExitCodes: [2])]
    }

    /// Whether `other` shows the same tree: kinds, handles and options (numbers within 1%,
    /// as tc rounds burst and latency through its time units), classes and filters.
    public func matches(_ other: QdiscSnapshot) -> Bool {
        guard qdiscs.count == other.qdiscs.count, userClasses == other.userClasses, filters == other.filters else {
            return false
        }
        return zip(qdiscs, other.qdiscs).allSatisfy(QdiscRecipe.same)
    }
}
