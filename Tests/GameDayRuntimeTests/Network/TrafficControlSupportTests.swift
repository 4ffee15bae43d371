import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// Capability detection against this very kernel, in a throwaway namespace it must remove.
@Suite(.tags(.netns), .enabled(if: NamespacePair.isAvailable, NamespacePair.unavailableReason))
struct TrafficControlSupportTests {
    @Test func tellsWhatTheKernelHasAndWhatToDoAboutWhatItLacks() async throws {
        let support = await TrafficControlSupport.detect()
        print(
            "traffic control on this kernel: netem \(support.netem), prio \(support.prio), u32 \(support.u32), tbf \(support.tbf)"
                + (support.problem.map { "; \($0)" } ?? ""))
        #expect(support.tbf, "every kernel gameday targets has tbf")
        let eth0 = try InterfaceName("eth0")
        #expect(
            support.problem(
                for: .bandwidth(try BandwidthLimit(interface: eth0, rateBitsPerSecond: 1_000_000, burstBytes: 16384)))
                == nil)

        let netem = TrafficShape.netem(try NetemImpairment(interface: eth0, delay: .milliseconds(10)))
        if support.netem {
            #expect(support.problem(for: netem) == nil)
        } else {
            let problem = try #require(support.problem(for: netem))
            #expect(support.missing(for: netem) == ["sch_netem"])
            #expect(problem.contains("lacks sch_netem"))
            #expect(!problem.contains("sch_prio"), "a whole-interface netem does not need prio")
            #expect(problem.contains("Specified qdisc kind is unknown"), "tc's own words are kept")
            #expect(problem.contains("modprobe sch_netem") || problem.contains("CONFIG_NET_SCH_NETEM"))
            #expect(problem.contains("proxy fault"))
        }
        // Other tests may be probing at the same moment: wait (bounded) for every probe namespace to go.
        var probes: [Substring] = []
        for _ in 0..<100 {
            probes = NamespacePair.output(["ip", "netns", "list"]).split(whereSeparator: \.isNewline).filter {
                $0.hasPrefix("gameday-probe-")
            }
            if probes.isEmpty { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        #expect(probes.isEmpty, "the probe namespace is removed")
    }

    @Test func withoutRootTheDetectionSaysSoInsteadOfGuessing() async {
        // An executor whose `ip netns add` fails, as it does for a user without CAP_SYS_ADMIN.
        struct Refusing: CommandExecutor {
            let name = "refusing"
            func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
                CommandOutput(exitCode: 1, stderr: "mount --make-shared /run/netns failed: Operation not permitted")
            }
        }
        let support = await TrafficControlSupport.detect(using: Refusing())
        #expect(!support.netem && !support.tbf)
        #expect(support.problem?.contains("could not test the kernel's qdiscs") == true)
        #expect(support.problem?.contains("Operation not permitted") == true)
    }
}

/// The advice on a kernel that loads modules, from a scripted host (this one cannot load any).
@Suite struct TrafficControlAdviceTests {
    /// Answers like a Debian host whose kernel ships netem in linux-modules-extra, not installed.
    struct DebianWithoutExtras: CommandExecutor {
        let name = "scripted"
        func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
            let command = argv.joined(separator: " ")
            if command.contains("netem") || command.contains(" prio") && command.contains("qdisc add") {
                return CommandOutput(exitCode: 2, stderr: "Error: Specified qdisc kind is unknown.\n")
            }
            if argv == ["uname", "-r"] { return CommandOutput(exitCode: 0, stdout: "6.1.0-18-cloud-amd64\n") }
            if argv.first == "modprobe" { return CommandOutput(exitCode: 1) }
            return CommandOutput(exitCode: 0)
        }
    }

    @Test func saysToLoadTheModuleOrInstallThePackage() async throws {
        let support = await TrafficControlSupport.detect(using: DebianWithoutExtras())
        #expect(!support.netem && !support.prio && support.tbf && support.u32)
        let eth0 = try InterfaceName("eth0")
        let whole = try #require(
            support.problem(for: .netem(try NetemImpairment(interface: eth0, delay: .milliseconds(5)))))
        #expect(
            whole
                == "the kernel 6.1.0-18-cloud-amd64 lacks sch_netem (tc qdisc add ... netem: Error: Specified qdisc kind is unknown.): "
                + "load the module (modprobe sch_netem), or install linux-modules-extra-6.1.0-18-cloud-amd64 if it is not there; "
                + "or use a proxy fault (delay or loss at the application's proxy) instead")
        let limited = try NetemImpairment(interface: eth0, delay: .milliseconds(5), match: NetemMatch(port: 80))
        #expect(support.missing(for: .netem(limited)) == ["sch_netem", "sch_prio"])
    }
}
