import Foundation
import GameDayRuntime

/// `scripts/vm.sh`: a real Debian kernel booted in QEMU with this machine's root file system, for
/// tests of what this host's kernel lacks (sch_netem, sch_prio).
///
/// ```swift
/// let vm = VirtualMachine()
/// guard vm.readiness.isReady else { try Test.cancel("\(vm.readiness)") }
/// let output = try await vm.run(["tc", "qdisc", "show", "dev", "lo"])
/// ```
public struct VirtualMachine: Sendable {
    /// Set to `1` inside the VM: tests that boot the VM do not boot another one from inside it.
    public static let insideVariable = "GAMEDAY_IN_VM"

    /// Whether this process runs inside the VM.
    public static var isInside: Bool { ProcessInfo.processInfo.environment[insideVariable] == "1" }

    /// The repository's `scripts/vm.sh`.
    public static let defaultScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/vm.sh").path

    /// The VM of this repository with the machine's own settings, checked once per test run.
    public static let shared = VirtualMachine()

    /// What `scripts/vm.sh check` said: ready, or why not and what to do.
    public struct Readiness: Sendable, Hashable, CustomStringConvertible {
        public var isReady: Bool
        /// `kernel 6.1.0-57-amd64, QEMU emulator version 7.2.19, tcg`, or the reasons it cannot run.
        public var detail: String

        public var description: String { isReady ? "ready: \(detail)" : "not ready: \(detail)" }

        /// The release of the kernel the VM boots (`6.1.0-57-amd64`), when ready.
        public var kernelRelease: String? {
            guard isReady, detail.hasPrefix("kernel ") else { return nil }
            return detail.dropFirst("kernel ".count).split(separator: ",").first.map(String.init)
        }

        /// Reads `check`'s output: one line, `ready: ...` or `not ready: ...`.
        public init(checkOutput: String, exitCode: Int32) {
            let line = checkOutput.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if exitCode == 0, line.hasPrefix("ready: ") {
                self.init(isReady: true, detail: String(line.dropFirst("ready: ".count)))
            } else if line.hasPrefix("not ready: ") {
                self.init(isReady: false, detail: String(line.dropFirst("not ready: ".count)))
            } else {
                self.init(isReady: false, detail: "scripts/vm.sh check exited \(exitCode) and said '\(line)'")
            }
        }

        public init(isReady: Bool, detail: String) {
            self.isReady = isReady
            self.detail = detail
        }
    }

    public let script: String
    /// Variables for `scripts/vm.sh` itself (`GAMEDAY_VM_CACHE`, `GAMEDAY_VM_QEMU`); nil: this process's.
    public let environment: [String: String]?
    /// Whether the VM can run here, by `scripts/vm.sh check`, asked when this value was made.
    public let readiness: Readiness

    public init(script: String = VirtualMachine.defaultScript, environment: [String: String]? = nil) {
        self.script = script
        self.environment = environment
        readiness = Self.check(script: script, environment: environment)
    }

    /// Runs `scripts/vm.sh check`, synchronously: test traits need the answer before any test runs.
    static func check(script: String, environment: [String: String]?) -> Readiness {
        guard FileManager.default.isReadableFile(atPath: script) else {
            return Readiness(isReady: false, detail: "\(script) is missing")
        }
        let spawn = Spawn(["/bin/bash", script, "check"], environment: environment, standardOutput: .pipe)
        guard let child = try? spawn.start() else {
            return Readiness(isReady: false, detail: "/bin/bash cannot run \(script)")
        }
        let completion = child.finish(deadline: ContinuousClock.now + .seconds(30))
        return Readiness(checkOutput: completion.stdout, exitCode: completion.exitCode)
    }

    /// Boots the VM and runs `argv` in it (in this process's working directory, as root), with
    /// `variables` besides those `scripts/vm.sh` passes itself (PATH, HOME, GAMEDAY_*).
    ///
    /// The command's stdout and stderr both arrive in the result's `stdout`; `stderr` holds what
    /// `scripts/vm.sh` said (boot time, or why the VM stopped). The exit code is the command's, 124
    /// when `timeout` ran out inside the script (QEMU killed), 125 when the VM could not run it.
    /// Should the script itself hang, its whole process group, QEMU included, is killed a minute later.
    public func run(
        _ argv: [String], variables: [String: String] = [:], timeout: Duration = .seconds(900)
    ) async throws -> ChildProcess.Output {
        let seconds = max(1, Int(timeout.components.seconds))
        let passed = variables.sorted { $0.key < $1.key }.flatMap { ["--env", "\($0.key)=\($0.value)"] }
        return try await ChildProcess.run(
            ["/bin/bash", script, "run", "--timeout", "\(seconds)"] + passed + ["--"] + argv,
            environment: environment, timeout: timeout + .seconds(60))
    }
}
