import GameDayCore

/// Applies traffic-control faults (tbf bandwidth limits, netem delay and loss) to an interface's
/// egress: snapshots its qdiscs first, refuses to clobber a root it cannot put back, proves the
/// new qdiscs are in, and on revert restores exactly the snapshot.
public struct TrafficShaper: Sendable {
    public let executor: any CommandExecutor
    /// How long one `tc` command may run.
    public var commandTimeout: Duration = .seconds(20)

    public init(executor: any CommandExecutor = LocalExecutor()) {
        self.executor = executor
    }

    /// The exact commands, without running anything. Without a snapshot the interface is
    /// assumed to carry the kernel's default root (the usual case, and what preflight checks).
    public static func plan(_ shape: TrafficShape, original: QdiscSnapshot? = nil) -> TrafficPlan {
        let original =
            original
            ?? QdiscSnapshot(interface: shape.interface, qdiscs: [Qdisc(kind: "noqueue", handle: "0:", isRoot: true)])
        return TrafficPlan(
            snapshot: QdiscSnapshot.commands(shape.interface),
            apply: shape.applyCommands(replacing: original.owner == .foreign),
            revert: original.restoreCommands, proof: shape.proofText)
    }

    /// Reads the interface's egress qdiscs, classes and filters.
    public func snapshot(_ interface: InterfaceName) async throws(NetworkFaultError) -> QdiscSnapshot {
        var outputs: [String] = []
        for command in QdiscSnapshot.commands(interface) {
            outputs.append(try await executor.mustRun(command, timeout: commandTimeout).stdout)
        }
        guard
            let snapshot = QdiscSnapshot.parse(
                interface: interface, qdiscs: outputs[0], classes: outputs[1], filters: outputs[2])
        else {
            throw .noEffect("tc -j qdisc show dev \(interface) did not print JSON: \(outputs[0].prefix(200))")
        }
        return snapshot
    }

    /// Checks, without changing anything, that `shape` may be applied now; returns the snapshot.
    public func check(_ shape: TrafficShape) async throws(NetworkFaultError) -> QdiscSnapshot {
        let snapshot = try await snapshot(shape.interface)
        switch snapshot.owner {
        case .kernel:
            break
        case .gameday:
            throw .leftover(
                "\(shape.interface) still carries gameday's root qdisc \(TrafficShape.rootHandle) (\(snapshot.summary))"
            )
        case .foreign:
            guard shape.replaceRoot else {
                throw .foreignRootQdisc(interface: shape.interface.name, root: snapshot.summary)
            }
            if let problem = snapshot.restoreProblem {
                throw .notRestorable(interface: shape.interface.name, reason: problem)
            }
        }
        return snapshot
    }

    /// Snapshots, applies and proves `shape`. On any failure the snapshot is restored before the error is thrown.
    ///
    /// `expecting`: the snapshot `check` returned when the ledger recipe was written; the apply
    /// is refused if the interface changed since, as the recipe would then restore the wrong thing.
    /// The command that makes traffic feel the shape runs through `moment.effect` (see
    /// `TrafficShape.effectingCommand`).
    public func apply(
        _ shape: TrafficShape, expecting: QdiscSnapshot? = nil, moment: FaultMoment = FaultMoment()
    ) async throws(NetworkFaultError) -> AppliedTrafficShape {
        let original = try await check(shape)
        if let expecting, !original.matches(expecting) {
            throw .notRestorable(
                interface: shape.interface.name,
                reason: "its qdiscs changed since the check (\(expecting.summary), now \(original.summary))")
        }
        let commands = shape.applyCommands(replacing: original.owner == .foreign)
        do throws(NetworkFaultError) {
            for (index, command) in commands.enumerated() {
                let run = { () async throws(NetworkFaultError) in
                    let output = try await executor.attempt(command, timeout: commandTimeout)
                    guard output.exitCode == 0, !output.timedOut else { throw await failure(command, output) }
                }
                if index == shape.effectingCommand { try await moment.effect(run) } else { try await run() }
            }
            let effect = try Self.prove(shape, try await snapshot(shape.interface))
            return AppliedTrafficShape(shape: shape, original: original, commands: commands, effect: effect)
        } catch {
            // Undo whatever part went in (a prio root whose netem child was refused, say).
            if let now = try? await snapshot(shape.interface), now.owner == .gameday {
                for command in original.restoreCommands {
                    _ = try? await executor.attempt(command, timeout: commandTimeout)
                }
            }
            throw error
        }
    }

    /// Restores the snapshot and proves the interface is back to it; already restored is fine.
    public func revert(_ applied: AppliedTrafficShape) async throws(NetworkFaultError) -> String {
        try await restore(applied.original)
    }

    /// Brings the interface's egress qdiscs back to `original` and proves it; already back is fine
    /// (the revert may be repeated, or the fault never applied). A root that is neither gameday's
    /// nor the original is someone else's, and left alone.
    public func restore(_ original: QdiscSnapshot) async throws(NetworkFaultError) -> String {
        let interface = original.interface
        let now = try await snapshot(interface)
        if now.matches(original) { return "\(interface) already back to \(original.summary)" }
        guard now.owner == .gameday else {
            // Someone replaced gameday's qdisc meanwhile: theirs is not ours to remove.
            throw .notRestored(
                "\(interface) now carries \(now.summary), not gameday's root; restore \(original.summary) by hand if needed"
            )
        }
        for command in original.restoreCommands {
            _ = try await executor.mustRun(command, timeout: commandTimeout)
        }
        let after = try await snapshot(interface)
        guard after.matches(original) else {
            throw .notRestored("\(interface) carries \(after.summary), expected \(original.summary)")
        }
        return "\(interface) restored to \(after.summary)"
    }

    // MARK: - Proof and errors

    static func prove(_ shape: TrafficShape, _ snapshot: QdiscSnapshot) throws(NetworkFaultError) -> String {
        let root = snapshot.root
        let ours = root?.handle == TrafficShape.rootHandle
        let interface = shape.interface
        switch shape {
        case .bandwidth(let limit):
            // tc -j reports the rate in bytes per second.
            let expected = Double(limit.rateBitsPerSecond) / 8
            let rate = root?.options["rate"]?.number ?? 0
            guard ours, root?.kind == "tbf", abs(rate - expected) <= max(1, expected * 0.01) else {
                let wanted = "root tbf \(TrafficShape.rootHandle) at \(limit.rateBitsPerSecond)bit"
                throw .noEffect("expected \(wanted) on \(interface), found \(snapshot.summary)")
            }
            let burst = Int(root?.options["burst"]?.number ?? 0)
            return
                "root qdisc tbf \(TrafficShape.rootHandle) on \(interface): rate \(limit.rateBitsPerSecond)bit, burst \(burst) bytes"
        case .netem(let netem):
            let settings = netem.qdiscArguments.dropFirst().joined(separator: " ")
            guard let match = netem.match else {
                guard ours, root?.kind == "netem" else {
                    throw .noEffect(
                        "expected root netem \(TrafficShape.rootHandle) on \(interface), found \(snapshot.summary)")
                }
                return "root qdisc netem \(TrafficShape.rootHandle) on \(interface): \(settings)"
            }
            let child = snapshot.qdiscs.first { $0.handle == TrafficShape.netemHandle }
            guard ours, root?.kind == "prio", child?.kind == "netem", child?.parent == TrafficShape.netemBand,
                snapshot.filters > 0
            else {
                let wanted = "prio \(TrafficShape.rootHandle) with netem on \(TrafficShape.netemBand) and filters"
                throw .noEffect("expected \(wanted) on \(interface), found \(snapshot.summary)")
            }
            return "netem \(TrafficShape.netemHandle) on \(interface) for traffic \(match): \(settings)"
        }
    }

    /// A failed `tc` command; an unknown qdisc or classifier becomes advice about the kernel.
    private func failure(_ argv: [String], _ output: CommandOutput) async -> NetworkFaultError {
        let text = output.stderr + output.stdout
        if text.contains("qdisc kind is unknown") || text.contains("classifier not found")
            || text.contains("Unknown qdisc")
        {
            let module =
                argv.contains("netem")
                ? "sch_netem" : argv.contains("prio") ? "sch_prio" : argv.contains("u32") ? "cls_u32" : "sch_tbf"
            let hints = await KernelHints.read(executor, modules: [module])
            return .kernelLacks(TrafficControlSupport.advice(missing: [module], detail: output.lastLine, hints: hints))
        }
        return .commandFailed(argv: argv, exitCode: output.exitCode, output: output.lastLine, timedOut: output.timedOut)
    }
}
