import Foundation
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The tc netem path on a real kernel: this host's kernel has no sch_netem, so the tests of it are
/// cancelled here. One boot of the VM of `scripts/vm.sh` (Debian's kernel, this machine's root file
/// system) runs them inside, from this very test binary, and they must pass there, not be cancelled.
///
/// Enabled as root where `scripts/vm.sh check` says the VM can run (`scripts/vm.sh prepare` makes it
/// so; `scripts/test.sh` calls it), never inside the VM itself. The guest's clock counts its
/// instructions, so the drills' timeouts inside hold however busy this machine is meanwhile (with
/// both host cores kept busy, every test inside still passed, in twice the time); the VM takes one
/// lab slot all the same, as it keeps one host core busy.
@Suite(.serialized) struct VirtualMachineTests {
    static var canBoot: Bool { getuid() == 0 && !VirtualMachine.isInside && VirtualMachine.shared.readiness.isReady }

    static var whyNot: Comment {
        if VirtualMachine.isInside { return "this is the VM already" }
        if getuid() != 0 { return "needs root: the VM shares the root file system and its tests need root" }
        return Comment(rawValue: "the VM cannot run here: \(VirtualMachine.shared.readiness.detail)")
    }

    /// What runs inside (`--filter` regular expressions, joined with `|`), in two rounds: the tests
    /// of traffic control side by side, then the lab tests of netem drills one at a time (the guest
    /// has one emulated CPU, and a drill's verdicts must say what the lab did, not what a CPU shared
    /// with another lab could not).
    static let parallel = ["TrafficShaperTests", "TrafficControlSupportTests"]
    static let oneByOne = [
        "NetemDrillTests", "NetemIsolatedDrillTests",
        "KilledRunnerTests/aTcNetemFaultOfAKilledRunIsRevertedByItsWatchdog",
    ]

    /// The tests that must pass inside, not be cancelled: those that need netem, and those that run anywhere.
    static let mustPass = [
        "netemDelaysTheWholeInterfaceOrOnlyTheMatchingPortForReal()",
        "netemLossDropsOnlyTheMatchingTrafficForReal()",
        "netemReplacesAForeignRootWhenAskedAndPutsItBackExactly()",
        "netemRefusesAForeignRootWithoutReplaceRoot()",
        "aNetemDrillRunsWhereTheKernelCanAndIsRefusedCleanlyWhereItCannot()",
        "theTcDrillDelaysBeijingsProductOnlyAndPutsEveryQdiscBack()",
        "aTcNetemFaultOfAKilledRunIsRevertedByItsWatchdog()",
        "tellsWhatTheKernelHasAndWhatToDoAboutWhatItLacks()",
        "tbfSlowsATransferAndTheRevertRestoresTheSnapshot()",
        "refusesAForeignRootAndReplacesItOnlyWhenAskedThenPutsItBack()",
    ]

    /// The only test that may be cancelled inside: there is no refusal to see where netem exists.
    static let mayBeCancelled = ["netemIsRefusedWithAdviceWhereTheKernelLacksIt()"]

    @Test(.enabled(if: canBoot, whyNot)) func theNetemTestsPassOnARealKernel() async throws {
        let vm = VirtualMachine.shared
        // This test binary, run again inside. The script prints the facts the VM promises first,
        // reads the gameday binary once (its pages cached, a lab's dozen processes then start
        // quickly), and exits 7 after the tests, so that the exit code's way out is tested as well.
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let script = """
            echo "inside: cwd=$PWD kernel=$(uname -r) in_vm=$GAMEDAY_IN_VM slots=$GAMEDAY_TEST_LAB_SLOTS"
            cat "$(dirname "$0")/gameday" >/dev/null
            "$0" --testing-library swift-testing --filter "$1"
            first=$?
            "$0" --testing-library swift-testing --no-parallel --filter "$2"
            echo "inside: tests exited $first $?"
            exit 7
            """
        let started = ContinuousClock.now
        // One lab slot: the VM keeps one host core busy, like a lab.
        let output = try await LabSlots.shared.with(slots: 1) {
            try await vm.run(
                [
                    "/bin/bash", "-c", script, bundle, Self.parallel.joined(separator: "|"),
                    Self.oneByOne.joined(separator: "|"),
                ], variables: ["GAMEDAY_TEST_LAB_SLOTS": "1"],
                timeout: .seconds(1800))
        }
        let lines = output.stdout.split(whereSeparator: \.isNewline).map(String.init)
        print("the VM ran for \(started.duration(to: .now)): \(output.stderr.trimmingCharacters(in: .newlines))")
        // What the tests inside said, but for the lines that only announce a start.
        for line in lines where !line.hasPrefix("◇") { print("  \(line)") }

        #expect(output.exitCode == 7, "\(output.transcript)")
        #expect(
            lines.contains(
                "inside: cwd=\(FileManager.default.currentDirectoryPath) kernel=\(vm.readiness.kernelRelease ?? "?") in_vm=1 slots=1"
            ),
            "\(output.transcript)")
        #expect(lines.contains("inside: tests exited 0 0"), "\(output.transcript)")
        for name in Self.mustPass {
            #expect(lines.contains { $0.contains("Test \(name) passed after ") }, "\(name) did not pass in the VM")
        }
        let cancelled = lines.filter { $0.contains(" was cancelled ") || $0.contains(" skipped") }
        for line in cancelled {
            #expect(Self.mayBeCancelled.contains { line.contains("Test \($0) ") }, "in the VM: \(line)")
        }
        #expect(!lines.contains { $0.contains(" failed after ") || $0.contains(" recorded an issue") })
    }

    @Test(.enabled(if: canBoot, whyNot)) func aVMPastItsTimeoutIsKilledAndLeavesNoQEMU() async throws {
        let started = ContinuousClock.now
        let output = try await VirtualMachine.shared.run(["sleep", "600"], timeout: .seconds(2))
        #expect(output.exitCode == 124, "\(output.transcript)")
        #expect(output.stderr.contains("timed out after 2s: QEMU killed"), "\(output.stderr)")
        #expect(started.duration(to: .now) < .seconds(30))
        let left = (try? ProcessTable().find(.commandLine("mount_tag=gdjob"))) ?? []
        #expect(left.isEmpty, "QEMU processes left: \(left)")
    }
}
