import Foundation
import GameDayTestSupport
import Testing

/// `scripts/vm.sh check`, which enables `VirtualMachineTests`, against what this machine has, and
/// against a QEMU and caches made up to lack one thing at a time. Nothing here boots the VM.
@Suite struct VirtualMachineCheckTests {
    static let cache = ProcessInfo.processInfo.environment["GAMEDAY_VM_CACHE"] ?? "/var/cache/gameday-vm"

    /// This process's environment with `changes`: what `scripts/vm.sh` runs with.
    static func environment(_ changes: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(changes) { $1 }
    }

    /// Whether `name` is an executable file in one of PATH's directories, as `command -v` finds it.
    static func inPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    static func nonEmptyFile(_ path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0) > 0
    }

    @Test func theCheckAgreesWithWhatIsInstalled() {
        let readiness = VirtualMachine().readiness
        print("the VM here: \(readiness)")
        let root = getuid() == 0
        let qemu = Self.inPath("qemu-system-x86_64")
        let kernel = Self.nonEmptyFile("\(Self.cache)/current/vmlinuz")
        #expect(readiness.detail.contains("not root") == !root, "\(readiness)")
        #expect(readiness.detail.contains("qemu-system-x86_64 is not installed") == !qemu, "\(readiness)")
        #expect(readiness.detail.contains("no kernel is prepared in \(Self.cache)") == !kernel, "\(readiness)")
        if readiness.isReady {
            #expect(root && qemu && kernel)
            let release = URL(fileURLWithPath: "\(Self.cache)/current").resolvingSymlinksInPath().lastPathComponent
            #expect(readiness.kernelRelease == release, "\(readiness)")
        } else {
            #expect(
                readiness.detail.hasSuffix("; run scripts/vm.sh prepare") || readiness.detail.hasSuffix("; run as root")
            )
        }
    }

    @Test func aMissingQEMUAndKernelAreNamedWithWhatToDo() throws {
        let empty = try TestLab.makeTemporaryDirectory(prefix: "gameday-vm-cache")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let vm = VirtualMachine(
            environment: Self.environment(["GAMEDAY_VM_CACHE": empty, "GAMEDAY_VM_QEMU": "qemu-system-gameday-missing"])
        )
        let notRoot = getuid() == 0 ? "" : "not root (the VM shares / over 9p, and what runs in it needs root), "
        #expect(!vm.readiness.isReady)
        #expect(
            vm.readiness.detail
                == notRoot + "qemu-system-gameday-missing is not installed, no kernel is prepared in \(empty); "
                + (getuid() == 0 ? "" : "run as root; ") + "run scripts/vm.sh prepare")
    }

    @Test func anInitramfsBuiltByAnotherScriptIsNotUsed() throws {
        let cache = try TestLab.makeTemporaryDirectory(prefix: "gameday-vm-cache")
        defer { try? FileManager.default.removeItem(atPath: cache) }
        try FileManager.default.createDirectory(atPath: "\(cache)/6.1.0-1-amd64", withIntermediateDirectories: true)
        for (file, text) in [("vmlinuz", "kernel"), ("initramfs-0000000000000000.cpio.gz", "initramfs")] {
            try text.write(toFile: "\(cache)/6.1.0-1-amd64/\(file)", atomically: true, encoding: .utf8)
        }
        try FileManager.default.createSymbolicLink(atPath: "\(cache)/current", withDestinationPath: "6.1.0-1-amd64")
        let vm = VirtualMachine(environment: Self.environment(["GAMEDAY_VM_CACHE": cache]))
        #expect(!vm.readiness.isReady)
        #expect(vm.readiness.detail.contains("\(cache)/current has no initramfs built by this scripts/vm.sh"))
    }

    @Test func runRefusesWithTheReasonWhenTheVMCannotRun() async throws {
        let empty = try TestLab.makeTemporaryDirectory(prefix: "gameday-vm-cache")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let vm = VirtualMachine(environment: Self.environment(["GAMEDAY_VM_CACHE": empty]))
        let output = try await vm.run(["true"], timeout: .seconds(30))
        #expect(output.exitCode == 125, "\(output.transcript)")
        #expect(output.stderr.contains("vm: cannot run the VM: "), "\(output.stderr)")
        #expect(output.stderr.contains("no kernel is prepared in \(empty)"), "\(output.stderr)")
    }

    @Test func readsTheCheckLine() {
        let ready = VirtualMachine.Readiness(
            checkOutput: "ready: kernel 6.1.0-57-amd64, QEMU emulator version 7.2.22, tcg, clock: instructions\n",
            exitCode: 0)
        #expect(ready.isReady && ready.kernelRelease == "6.1.0-57-amd64")
        let notReady = VirtualMachine.Readiness(checkOutput: "not ready: no kernel; run it\n", exitCode: 1)
        #expect(!notReady.isReady && notReady.detail == "no kernel; run it" && notReady.kernelRelease == nil)
        let garbled = VirtualMachine.Readiness(checkOutput: "ready: but failed\n", exitCode: 2)
        #expect(!garbled.isReady && garbled.detail == "scripts/vm.sh check exited 2 and said 'ready: but failed'")
    }
}
