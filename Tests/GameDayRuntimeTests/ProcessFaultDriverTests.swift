import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// Kill and pause faults against real processes on this host.
@Suite struct ProcessFaultDriverTests {
    /// A target whose beijing/worker is a `sleep` started by `restart` (detached, pid in a file).
    static func target(_ scratch: Scratch, restart: [String]? = nil) -> Target {
        let pidFile = scratch.path("worker.pid")
        let restartCommand = restart ?? ["sh", "-c", "setsid sleep 300 > /dev/null 2>&1 & echo $! > \(pidFile)"]
        return Target(
            name: "local", gatewayURL: "http://127.0.0.1:1",
            controlPlane: ControlPlaneTarget(url: "http://127.0.0.1:1"),
            routing: .storefront,
            units: [
                UnitTarget(
                    name: "beijing",
                    services: [ServiceTarget(name: "worker", process: .pidFile(pidFile), restart: restartCommand)])
            ])
    }

    static func fault(_ signal: String) -> FaultSpec {
        FaultSpec(
            name: "worker-down", unit: "beijing", service: "worker",
            action: signal == "STOP" ? .pauseProcess : .killProcess(signal: SignalName(signal)!, restart: true))
    }

    static func startWorker(_ target: Target) async throws -> Int32 {
        let output = try await LocalExecutor().run(target.units[0].services[0].restart!, timeout: .seconds(10))
        #expect(output.exitCode == 0)
        return try ProcessTable().find(target.units[0].services[0].process!).first!
    }

    @Test func killsTheProcessProvesItIsGoneAndRestartsIt() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let target = Self.target(scratch)
        let pid = try await Self.startWorker(target)
        let driver = ProcessFaultDriver()

        #expect(try await driver.check(Self.fault("KILL"), in: target) == "found process \(pid) for beijing/worker")
        let applied = try await driver.apply(Self.fault("KILL"), in: target)
        #expect(applied.pids == [pid])
        #expect(applied.commands == [["kill", "-s", "KILL", "\(pid)"]])
        #expect(applied.effect == "SIGKILL sent to \(pid); gone")
        #expect(!ProcessTable().isAlive(pid))

        let reverted = try await driver.revert(applied, in: target)
        let newPid = try #require(try ProcessTable().find(.pidFile(scratch.path("worker.pid"))).first)
        #expect(newPid != pid)
        #expect(reverted == "restarted as process \(newPid)")
    }

    @Test func pausesWithSIGSTOPAndResumesWithSIGCONT() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let target = Self.target(scratch)
        let pid = try await Self.startWorker(target)
        let driver = ProcessFaultDriver()

        let applied = try await driver.apply(Self.fault("STOP"), in: target)
        #expect(ProcessTable().state(of: pid) == "T")
        #expect(applied.effect == "SIGSTOP sent to \(pid); stopped")
        #expect(try await driver.revert(applied, in: target) == "SIGCONT sent to \(pid)")
        #expect(await Scratch.eventually { ProcessTable().state(of: pid) != "T" })
    }

    @Test func aRestartThatFailsSaysHowToStartTheServiceByHand() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let good = Self.target(scratch)
        _ = try await Self.startWorker(good)
        let broken = Self.target(scratch, restart: ["sh", "-c", "echo cannot bind port >&2; exit 1"])
        let driver = ProcessFaultDriver()
        let applied = try await driver.apply(Self.fault("KILL"), in: broken)
        await #expect(
            throws: FaultError(
                "the restart command failed with exit 1: cannot bind port; start the service by hand with: sh -c echo cannot bind port >&2; exit 1"
            )
        ) {
            try await driver.revert(applied, in: broken)
        }
    }

    /// A restart command that cannot run is found before the kill: a bare name is looked up in
    /// PATH as the executor will, a path must be an executable file.
    @Test func aRestartCommandThatCannotRunIsRefusedByTheCheck() throws {
        let fault = FaultSpec(
            name: "down", unit: "beijing", service: "product",
            action: .killProcess(signal: SignalName("KILL")!, restart: true))
        try ProcessFaultDriver.refuseUnlessExecutable(["sh", "-c", "true"], fault: fault, path: "/usr/bin:/bin")
        try ProcessFaultDriver.refuseUnlessExecutable(["/bin/sh"], fault: fault)
        let missing = #expect(throws: FaultError.self) {
            try ProcessFaultDriver.refuseUnlessExecutable(["start-product"], fault: fault, path: "/usr/bin:/bin")
        }
        #expect(
            missing?.message.hasPrefix("its restart command cannot run (no executable 'start-product' is in PATH)")
                == true)
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let plain = scratch.path("start-product")
        try "#!/bin/sh\n".write(toFile: plain, atomically: true, encoding: .utf8)
        chmod(plain, 0o644)
        let notExecutable = #expect(throws: FaultError.self) {
            try ProcessFaultDriver.refuseUnlessExecutable([plain], fault: fault)
        }
        #expect(
            notExecutable?.message.hasPrefix("its restart command cannot run (\(plain) is not an executable file)")
                == true)
    }

    @Test func aMissingProcessFailsTheCheckBeforeAnythingIsDone() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        await #expect(
            throws: FaultError("the pid file \(scratch.path("worker.pid")) cannot be read (is the service running?)")
        ) {
            try await ProcessFaultDriver().check(Self.fault("KILL"), in: Self.target(scratch))
        }
    }

    @Test func thePlanShowsTheExactCommands() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let plan = ProcessFaultDriver().plan(Self.fault("TERM"), in: Self.target(scratch))
        #expect(plan.apply == [["kill", "-s", "TERM", "<pid>"]])
        #expect(
            plan.revert == [
                ["sh", "-c", "setsid sleep 300 > /dev/null 2>&1 & echo $! > \(scratch.path("worker.pid"))"]
            ])
        #expect(plan.locate == "pid file \(scratch.path("worker.pid"))")
        #expect(plan.executor == "local")
    }
}

/// Process faults never take down the runner's own channels.
@Suite struct RunnerChannelTests {
    @Test func aFaultOnTheProcessServingTheControlPlaneIsRefused() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (server, port) = try await scratch.listen(
            setup: "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()")
        let target = Target(
            name: "local", gatewayURL: "http://127.0.0.1:1",
            controlPlane: ControlPlaneTarget(url: "http://127.0.0.1:\(port)"),
            routing: .storefront,
            units: [
                UnitTarget(
                    name: "beijing", services: [ServiceTarget(name: "control", process: .port(port), restart: ["true"])]
                )
            ])
        let fault = FaultSpec(
            name: "kill-the-control-plane", unit: "beijing", service: "control",
            action: .killProcess(signal: SignalName("KILL")!, restart: true))
        await #expect(
            throws: FaultError(
                "fault kill-the-control-plane would hit process \(server.processIdentifier), which is the control plane: "
                    + "the runner would cut itself off; drill that failure from another host")
        ) {
            try await ProcessFaultDriver().check(fault, in: target)
        }
        #expect(ProcessTable().isAlive(server.processIdentifier))
    }
}
