import GameDayCore

/// Which queueing disciplines and classifiers the kernel really has, found by trying them on a
/// veth pair inside a throwaway network namespace (the only definitive test: a module may be
/// built in, loadable, or absent, and `/proc/modules` does not exist on kernels without modules).
public struct TrafficControlSupport: Sendable, Hashable, Codable {
    public var netem: Bool
    public var prio: Bool
    public var u32: Bool
    public var tbf: Bool
    /// What is missing and what to do about it; `nil` when everything is there.
    public var problem: String?
    /// What the host said about its kernel, and tc's words per missing module: for advice tailored to one shape.
    var hints: KernelHints?
    var said: [String: String] = [:]

    /// A known answer, e.g. for a fake in tests: `problem` is then the advice for every shape that needs what is missing.
    public init(netem: Bool, prio: Bool, u32: Bool, tbf: Bool, problem: String?) {
        self.netem = netem
        self.prio = prio
        self.u32 = u32
        self.tbf = tbf
        self.problem = problem
    }

    /// The kernel modules `shape` needs and this kernel lacks.
    public func missing(for shape: TrafficShape) -> [String] {
        switch shape {
        case .bandwidth: return tbf ? [] : ["sch_tbf"]
        case .netem(let netem):
            let needed =
                [("sch_netem", self.netem)] + (netem.match == nil ? [] : [("sch_prio", prio), ("cls_u32", u32)])
            return needed.filter { !$0.1 }.map(\.0)
        }
    }

    /// What stops `shape` on this kernel and what to do; `nil` when it can be applied.
    public func problem(for shape: TrafficShape) -> String? {
        let missing = missing(for: shape)
        guard !missing.isEmpty else { return nil }
        guard let hints else { return problem ?? Self.advice(missing: missing, detail: "", hints: nil) }
        return Self.advice(missing: missing, detail: said[missing[0]] ?? "", hints: hints)
    }

    /// Tries netem, prio, tbf and a u32 filter in a namespace `gameday-probe-<random>`, always removed afterwards.
    public static func detect(using executor: any CommandExecutor = LocalExecutor()) async -> TrafficControlSupport {
        let name = try! NamespaceName("gameday-probe-\(String(UInt32.random(in: .min ... .max), radix: 16))")
        let added = try? await executor.attempt(["ip", "netns", "add", name.name])
        guard let added, added.exitCode == 0 else {
            return TrafficControlSupport(
                netem: false, prio: false, u32: false, tbf: false,
                problem:
                    "could not test the kernel's qdiscs: 'ip netns add' failed (\(added?.lastLine ?? "ip is not installed")); run gameday as root with iproute2 installed"
            )
        }
        let trials = await probe(NetnsExecutor(namespace: name, base: executor))
        _ = try? await executor.attempt(["ip", "netns", "del", name.name])

        let results = [
            ("sch_netem", trials.netem), ("sch_prio", trials.prio), ("cls_u32", trials.u32), ("sch_tbf", trials.tbf),
        ]
        let missing = results.filter { !$0.1.works }
        var support = TrafficControlSupport(
            netem: trials.netem.works, prio: trials.prio.works, u32: trials.u32.works, tbf: trials.tbf.works,
            problem: nil)
        if !missing.isEmpty {
            let hints = await KernelHints.read(executor, modules: missing.map(\.0))
            support.hints = hints
            support.said = Dictionary(missing.map { ($0.0, $0.1.said) }, uniquingKeysWith: { first, _ in first })
            support.problem = advice(missing: missing.map(\.0), detail: missing[0].1.said, hints: hints)
        }
        return support
    }

    private struct Trial {
        var works = false
        var said = ""
    }

    private struct Trials {
        var netem = Trial(), prio = Trial(), u32 = Trial(), tbf = Trial()
    }

    /// Adds each qdisc as the root of a fresh veth, then a u32 filter under a classful root.
    private static func probe(_ inside: NetnsExecutor) async -> Trials {
        var trials = Trials()
        let device = "gdprobe0"
        guard
            (try? await inside.attempt(["ip", "link", "add", device, "type", "veth", "peer", "name", "gdprobe1"]))?
                .exitCode == 0
        else {
            trials.netem.said = "could not create a veth pair to test on"
            return trials
        }
        func trial(_ qdisc: [String]) async -> Trial {
            let output = try? await inside.attempt(
                ["tc", "qdisc", "add", "dev", device, "root", "handle", "1:"] + qdisc)
            let works = output?.exitCode == 0
            if works { _ = try? await inside.attempt(["tc", "qdisc", "del", "dev", device, "root"]) }
            return Trial(
                works: works,
                said: works ? "" : "tc qdisc add ... \(qdisc[0]): \(output?.lastLine ?? "tc is not installed")")
        }
        trials.netem = await trial(["netem", "delay", "1ms"])
        trials.prio = await trial(["prio"])
        trials.tbf = await trial(["tbf", "rate", "1mbit", "burst", "16kb", "latency", "50ms"])
        // u32 needs a classful parent: prio when the kernel has it, else htb.
        let parent = trials.prio.works ? ["prio"] : ["htb"]
        if (try? await inside.attempt(["tc", "qdisc", "add", "dev", device, "root", "handle", "1:"] + parent))?.exitCode
            == 0
        {
            let output = try? await inside.attempt(
                [
                    "tc", "filter", "add", "dev", device, "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match",
                    "ip", "dport", "9", "0xffff", "flowid", "1:1",
                ])
            trials.u32 = Trial(works: output?.exitCode == 0, said: "tc filter add ... u32: \(output?.lastLine ?? "")")
        } else {
            trials.u32.said = "no classful qdisc (prio, htb) to test a u32 filter under"
        }
        return trials
    }

    /// What is missing and what to do: load the module, install the package, or use a proxy fault.
    static func advice(missing: [String], detail: String, hints: KernelHints?) -> String {
        let release = hints?.release ?? "$(uname -r)"
        var text = "the kernel\(hints.map { " \($0.release)" } ?? "") lacks \(missing.joined(separator: ", "))"
        if !detail.isEmpty { text += " (\(detail))" }
        let load = missing.map { "modprobe \($0)" }.joined(separator: "; ")
        if let hints, !hints.modulesSupported {
            // No module can ever be loaded into this kernel: modprobe advice would send people astray.
            let options = missing.map(KernelHints.configOption).joined(separator: ", ")
            text +=
                ": it cannot load modules and was built without \(options); run the drill on a host whose kernel has them"
        } else if let hints, !hints.loadable.isEmpty {
            text += ": \(hints.loadable.joined(separator: ", ")) can be loaded but is not: \(load)"
        } else {
            text += ": load the module (\(load)), or install linux-modules-extra-\(release) if it is not there"
        }
        if !missing.contains("sch_netem"), missing.contains("sch_prio") || missing.contains("cls_u32") {
            text += "; or impair the whole interface (no match)"
        }
        return text + "; or use a proxy fault (delay or loss at the application's proxy) instead"
    }
}
