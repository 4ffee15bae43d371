import ArgumentParser
import Foundation
import GameDayCore
import GameDayLab
import GameDayRuntime
import Testing

@testable import GameDayCLI

/// Every command's arguments as a person types them, parsed in-process: what each option becomes,
/// its default, and the usage errors (exit 64) a bad line gets.
@Suite struct CommandLineTests {
    static func parse<Command: ParsableCommand>(_ arguments: [String], as type: Command.Type) throws -> Command {
        let parsed = try GameDay.parseAsRoot(arguments)
        return try #require(parsed as? Command, "\(arguments) parsed as \(Swift.type(of: parsed))")
    }

    @Test func runTakesEveryOptionAndItsDefaults() throws {
        let run = try Self.parse(
            [
                "run", "d.yaml", "--target", "t.yaml", "--output", "out", "--json", "--junit", "ci/j.xml", "--no-html",
                "--raw-samples", "--watchdog-timeout", "30s", "--verbose", "--state-dir", "st",
            ], as: GameDay.Run.self)
        #expect(run.files.drill == "d.yaml")
        #expect(run.files.target == "t.yaml")
        #expect(run.output == "out")
        #expect(run.json && run.noHTML && run.rawSamples && run.verbose && !run.quiet)
        #expect(run.junit == "ci/j.xml")
        #expect(run.watchdogTimeout == .seconds(30))
        // Made absolute: watchdogs and lock records name it from elsewhere.
        #expect(run.state.path == FileManager.default.currentDirectoryPath + "/st")

        let plain = try Self.parse(["run", "d.yaml", "-t", "t.yaml"], as: GameDay.Run.self)
        #expect(plain.output == "results")
        #expect(plain.watchdogTimeout == .seconds(10))
        #expect(!plain.json && !plain.noHTML && !plain.rawSamples && plain.junit == nil)
    }

    @Test func runRefusesWhatCannotBeMeant() {
        for arguments in [
            ["run", "d.yaml", "--target", "t.yaml", "--quiet", "--verbose"],
            ["run", "d.yaml", "--target", "t.yaml", "--watchdog-timeout", "10"],
            ["run", "d.yaml", "--target", "t.yaml", "--watchdog-timeout", "0s"],
            ["run", "d.yaml"],
            ["run", "--target", "t.yaml"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try GameDay.parseAsRoot(arguments) }
            let code = GameDay.exitCode(for: Self.error(arguments))
            #expect(code.rawValue == 64, "\(arguments): exit \(code.rawValue)")
        }
    }

    @Test func runAndHistoryTakeTheMetricsOptions() throws {
        let run = try Self.parse(
            [
                "run", "d.yaml", "-t", "t.yaml", "--metrics-file", "/var/lib/node_exporter/gameday.prom",
                "--pushgateway", "http://pg:9091",
            ], as: GameDay.Run.self)
        #expect(run.metricsFile == "/var/lib/node_exporter/gameday.prom")
        #expect(run.pushgateway == "http://pg:9091")
        let plain = try Self.parse(["run", "d.yaml", "-t", "t.yaml"], as: GameDay.Run.self)
        #expect(plain.metricsFile == nil && plain.pushgateway == nil)
        #expect(try Self.parse(["history", "--metrics"], as: GameDay.History.self).metrics)
        #expect(try !Self.parse(["history"], as: GameDay.History.self).metrics)
        for arguments in [
            ["run", "d.yaml", "-t", "t.yaml", "--pushgateway", "pg:9091"],
            ["run", "d.yaml", "-t", "t.yaml", "--metrics-file"],
            ["history", "--metrics", "--json"],
        ] {
            #expect(GameDay.exitCode(for: Self.error(arguments)).rawValue == 64, "\(arguments)")
        }
    }

    static func error(_ arguments: [String]) -> any Error {
        do {
            _ = try GameDay.parseAsRoot(arguments)
            return CancellationError()
        } catch {
            return error
        }
    }

    @Test func planValidateAndReportTakeTheirFiles() throws {
        let plan = try Self.parse(["plan", "d.yaml", "--target", "t.yaml"], as: GameDay.Plan.self)
        #expect(plan.files.drill == "d.yaml" && plan.files.target == "t.yaml")
        let validate = try Self.parse(["validate", "a.yaml", "b.yaml", "-t", "t.yaml"], as: GameDay.Validate.self)
        #expect(validate.files == ["a.yaml", "b.yaml"])
        #expect(validate.target == "t.yaml")
        let report = try Self.parse(["report", "r/result.json", "--output", "x.html"], as: GameDay.Report.self)
        #expect(report.result == "r/result.json")
        #expect(report.output == "x.html")
    }

    @Test func runPlanAndValidateTakeVariables() throws {
        let run = try Self.parse(
            [
                "run", "d.yaml", "-t", "t.yaml", "--var", "unit=beijing", "--var-file", "a.yaml", "--var", "q=a=b",
                "--var", "empty=", "--var-file", "b.yaml",
            ], as: GameDay.Run.self)
        #expect(run.files.variables.assignments.map(\.name) == ["unit", "q", "empty"])
        #expect(run.files.variables.assignments.map(\.value) == ["beijing", "a=b", ""])
        #expect(run.files.variables.files == ["a.yaml", "b.yaml"])
        let plan = try Self.parse(["plan", "d.yaml", "-t", "t.yaml", "--var", "api_token=x"], as: GameDay.Plan.self)
        #expect(plan.files.variables.assignments.first?.isSecret == true)
        let validate = try Self.parse(
            ["validate", "a.yaml", "--var-file", "v.yaml", "--var", "port=9300"], as: GameDay.Validate.self)
        #expect(validate.variables.files == ["v.yaml"] && validate.variables.assignments.first?.value == "9300")
        let plain = try Self.parse(["plan", "d.yaml", "-t", "t.yaml"], as: GameDay.Plan.self)
        #expect(plain.files.variables.files.isEmpty && plain.files.variables.assignments.isEmpty)
        for arguments in [
            ["run", "d.yaml", "-t", "t.yaml", "--var", "unit"],
            ["plan", "d.yaml", "-t", "t.yaml", "--var", "=beijing"],
            ["validate", "a.yaml", "--var", "bad name=1"],
            ["validate", "a.yaml", "--var", "vars.unit=1"],
            ["run", "d.yaml", "-t", "t.yaml", "--var-file"],
        ] {
            #expect(GameDay.exitCode(for: Self.error(arguments)).rawValue == 64, "\(arguments)")
        }
    }

    @Test func historyStatusAndRecoverTakeTheirOptions() throws {
        let history = try Self.parse(["history"], as: GameDay.History.self)
        #expect(history.paths == ["results"] && history.drill == nil && history.limit == nil && !history.json)
        let narrowed = try Self.parse(
            ["history", "a", "b", "--drill", "d", "--limit", "3", "--json"], as: GameDay.History.self)
        #expect(narrowed.paths == ["a", "b"] && narrowed.drill == "d" && narrowed.limit == 3 && narrowed.json)
        let status = try Self.parse(
            ["status", "--target", "t.yaml", "--json", "--state-dir", "s"], as: GameDay.Status.self)
        #expect(status.ledger.target == "t.yaml" && status.json && status.ledger.state.path.hasSuffix("/s"))
        let recover = try Self.parse(["recover", "-t", "lab"], as: GameDay.Recover.self)
        #expect(recover.ledger.target == "lab")
    }

    @Test func theLabsCommandsTakeTheirOptions() throws {
        let up = try Self.parse(
            [
                "lab", "up", "--run-dir", "D", "--base-port", "0", "--no-sync-wait", "--replication-lag", "500ms",
                "--switch-delay", "2s", "--sync-timeout", "3s", "--isolation", "netns",
            ], as: GameDay.Lab.Up.self)
        #expect(up.location.runDirectory == "D")
        #expect(up.basePort == 0 && !up.syncWait)
        #expect(up.replicationLag.duration == .milliseconds(500))
        #expect(up.switchDelay.duration == .seconds(2) && up.syncTimeout.duration == .seconds(3))
        #expect(up.isolation == .netns)
        let defaults = try Self.parse(["lab", "up"], as: GameDay.Lab.Up.self)
        #expect(defaults.location.runDirectory == ".gameday/lab" && defaults.basePort == 9300 && defaults.syncWait)
        let restart = try Self.parse(
            ["lab", "restart-service", "--run-dir", "D", "--service", "beijing-product"],
            as: GameDay.Lab.RestartService.self)
        #expect(restart.service == "beijing-product" && restart.location.runDirectory == "D")
        #expect(
            try Self.parse(["lab", "down", "--run-dir", "D"], as: GameDay.Lab.Down.self).location.runDirectory == "D")
    }

    // MARK: - Plan's watchdog timeout

    @Test func planTakesRunsWatchdogTimeout() throws {
        let plan = try Self.parse(
            ["plan", "d.yaml", "-t", "t.yaml", "--watchdog-timeout", "30s"], as: GameDay.Plan.self)
        #expect(plan.watchdog.watchdogTimeout == .seconds(30))
        #expect(
            try Self.parse(["plan", "d.yaml", "-t", "t.yaml"], as: GameDay.Plan.self).watchdog.watchdogTimeout
                == .seconds(10))
        let code = GameDay.exitCode(for: Self.error(["plan", "d.yaml", "-t", "t.yaml", "--watchdog-timeout", "0s"]))
        #expect(code.rawValue == 64)
    }

    /// The pod's dead-man's switch lives for the drill's longest run plus the watchdog timeout:
    /// `plan --watchdog-timeout 30s` prints the lifetime `run --watchdog-timeout 30s` gives it.
    @Test func planPrintsThePodSwitchLifetimeOfTheRunsWatchdogTimeout() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GameDayCoreTests/Fixtures/valid")
        let drill = fixtures.appendingPathComponent("k8s-drill.yaml").path
        let target = fixtures.appendingPathComponent("k8s-target.yaml").path
        let loaded = try DrillLoader.loadDrill(path: drill)
        for timeout in [Duration.seconds(10), .seconds(30)] {
            let plan = try Self.parse(
                ["plan", drill, "-t", target, "--watchdog-timeout", DurationText.format(timeout)], as: GameDay.Plan.self
            )
            let text = try plan.text()
            let lifetime = DurationText.format(loaded.maximumDuration + timeout)
            #expect(text.contains("\(lifetime) after the fault"), "\(lifetime) not in:\n\(text)")
        }
    }

    // MARK: - The lab's and the runtime's own commands

    @Test func labStatusTakesItsRunDirectoryAndJSON() throws {
        let status = try Self.parse(["lab", "status", "--run-dir", "D", "--json"], as: GameDay.Lab.Status.self)
        #expect(status.location.runDirectory == "D" && status.json)
        let plain = try Self.parse(["lab", "status"], as: GameDay.Lab.Status.self)
        #expect(plain.location.runDirectory == ".gameday/lab" && !plain.json)
    }

    /// `lab serve` parses the exact command line the lab builds for a service (`LabServeOptions`).
    @Test func labServeTakesTheArgumentsTheLabGivesIt() throws {
        let options = LabServeOptions(
            role: .controlPlane, port: 9301, runDirectory: "D", tokenFile: "D/token", units: ["hangzhou", "beijing"],
            syncWait: false, syncTimeout: .seconds(3), switchDelay: .milliseconds(200), tiedTo: 42)
        let serve = try Self.parse(options.arguments, as: GameDay.Lab.Serve.self)
        #expect(serve.role == "control-plane" && serve.port == 9301 && serve.runDirectory == "D")
        #expect(serve.tokenFile == "D/token" && serve.units == "hangzhou,beijing")
        #expect(!serve.syncWait && serve.syncTimeout.duration == .seconds(3))
        #expect(serve.switchDelay.duration == .milliseconds(200) && serve.tiedTo == 42 && serve.host == "127.0.0.1")
        let order = LabServeOptions(
            role: .order, unit: "beijing", port: 9305, host: "0.0.0.0", runDirectory: "D",
            peerOrders: ["hangzhou": "http://127.0.0.1:9306"], replicationLag: .milliseconds(500))
        let parsed = try Self.parse(order.arguments, as: GameDay.Lab.Serve.self)
        #expect(parsed.unit == "beijing" && parsed.host == "0.0.0.0")
        #expect(parsed.peerOrder == ["hangzhou=http://127.0.0.1:9306"])
        #expect(parsed.replicationLag.duration == .milliseconds(500))
        for arguments in [
            ["lab", "serve", "--role", "mainframe", "--port", "1", "--run-dir", "D"],
            ["lab", "serve", "--role", "gateway", "--port", "1", "--run-dir", "D", "--host", "10.0.0.1"],
            ["lab", "serve", "--role", "gateway", "--port", "1", "--run-dir", "D", "--storefront", "beijing"],
            ["lab", "serve", "--role", "gateway", "--port", "1"],
        ] {
            #expect(GameDay.exitCode(for: Self.error(arguments)).rawValue == 64, "\(arguments)")
        }
    }

    @Test func labSuperviseTakesTheServersFlagsAfterTheTerminator() throws {
        let serve = LabServeOptions(role: .product, unit: "beijing", port: 9302, runDirectory: "D").arguments
        let supervise = try Self.parse(
            ["lab", "supervise", "--service", "beijing-product", "--run-dir", "D", "--"] + serve.dropFirst(2),
            as: GameDay.Lab.Supervise.self)
        #expect(supervise.service == "beijing-product" && supervise.runDirectory == "D")
        #expect(supervise.serveArguments == Array(serve.dropFirst(2)))
        // What the supervisor runs parses as `lab serve`.
        #expect(try Self.parse(["lab", "serve"] + supervise.serveArguments, as: GameDay.Lab.Serve.self).port == 9302)
        for arguments in [
            ["lab", "supervise", "--service", "beijing-product", "--run-dir", "D"],
            ["lab", "supervise", "--service", "../x", "--run-dir", "D", "--", "--role", "product"],
            ["lab", "supervise", "--run-dir", "D", "--", "--role", "product"],
        ] {
            #expect(GameDay.exitCode(for: Self.error(arguments)).rawValue == 64, "\(arguments)")
        }
    }

    @Test func labCompanionTakesAnAbsoluteProgramAfterTheTerminator() throws {
        let companion = try Self.parse(
            [
                "lab", "companion", "--name", "prometheus", "--run-dir", "D", "--tied-to", "42", "--",
                "/usr/bin/prometheus", "--config.file", "D/prometheus.yml",
            ], as: GameDay.Lab.Companion.self)
        #expect(companion.name == "prometheus" && companion.runDirectory == "D" && companion.tiedTo == 42)
        #expect(companion.program == ["/usr/bin/prometheus", "--config.file", "D/prometheus.yml"])
        #expect(
            try Self.parse(
                ["lab", "companion", "--name", "p", "--run-dir", "D", "--", "/bin/true"], as: GameDay.Lab.Companion.self
            ).tiedTo == nil)
        for arguments in [
            ["lab", "companion", "--name", "p", "--run-dir", "D", "--", "prometheus"],
            ["lab", "companion", "--name", "P!", "--run-dir", "D", "--", "/bin/true"],
            ["lab", "companion", "--name", "p", "--run-dir", "D", "--tied-to", "0", "--", "/bin/true"],
            ["lab", "companion", "--name", "p", "--run-dir", "D"],
        ] {
            #expect(GameDay.exitCode(for: Self.error(arguments)).rawValue == 64, "\(arguments)")
        }
    }

    /// `watchdog` parses the exact command line the ledger spawns for an entry (`FileLedger`).
    @Test func watchdogTakesTheCommandLineTheLedgerSpawns() throws {
        let argv = FileLedger.watchdogArgv(
            FileLedger.Watchdog(
                executable: "/usr/bin/gameday", heartbeat: "/s/runs/r1.heartbeat", timeout: .seconds(30),
                deadline: 1_700_000_000.25),
            stateDirectory: "/s", entry: "r1/01-product-down", runnerPid: 4242)
        #expect(argv.first == "/usr/bin/gameday")
        let watchdog = try Self.parse(Array(argv.dropFirst()), as: GameDay.WatchdogCommand.self)
        #expect(watchdog.state.path == "/s" && watchdog.entry == "r1/01-product-down")
        #expect(watchdog.heartbeat == "/s/runs/r1.heartbeat" && watchdog.timeout == .seconds(30))
        #expect(watchdog.deadline == 1_700_000_000.25 && watchdog.runnerPid == 4242)
        let missing = Array(argv.dropFirst().prefix(5))
        #expect(GameDay.exitCode(for: Self.error(missing)).rawValue == 64, "\(missing)")
    }

    /// `delayer` parses the exact command line a latency fault starts it with (`DelayerProcess`).
    @Test func delayerTakesTheCommandLineTheFaultStartsItWith() throws {
        let launch = DelayerLaunch(
            executable: "/usr/bin/gameday",
            lifeline: RunnerLifeline(heartbeat: "/s/hb", timeout: .seconds(10), deadline: 1_000.5, runnerPid: 42),
            directory: "/s/runs")
        let block = try PortBlock(direction: .inbound, ports: [FirewallPortRange(9311)], action: .queue, queue: 20_001)
        let delay = QueuedDelay(
            block: block, delay: .milliseconds(600), jitter: .milliseconds(50), lossPercent: 1.5, reorder: true)
        let argv = DelayerProcess(launch: launch).argv(
            delay, scope: try FirewallScope(runID: "ab12cd34", slot: 1), namespace: nil, ready: "/s/runs/r.ready")
        let delayer = try Self.parse(Array(argv.dropFirst()), as: GameDay.DelayerCommand.self)
        #expect(delayer.tag == "gameday_ab12cd34_1/delayer" && delayer.queue == 20_001)
        #expect(delayer.delay == .milliseconds(600) && delayer.jitter == .milliseconds(50))
        #expect(delayer.loss == 1.5 && delayer.reorder && delayer.ready == "/s/runs/r.ready")
        #expect(delayer.heartbeat == "/s/hb" && delayer.timeout == .seconds(10))
        #expect(delayer.deadline == 1_000.5 && delayer.runnerPid == 42)
        for arguments in [
            ["delayer", "--queue", "1", "--loss", "101"],
            ["delayer", "--queue", "1", "--heartbeat", "/s/hb"],
            ["delayer", "--queue", "1", "--delay", "2h"],
            ["delayer", "--delay", "1s"],
        ] {
            #expect(GameDay.exitCode(for: Self.error(arguments)).rawValue == 64, "\(arguments)")
        }
    }

    /// `measure-connect` as the latency fault's proof runs it: host, port, count and a timeout.
    @Test func measureConnectTakesTheProofsArguments() throws {
        let wait = DurationText.format(.milliseconds(600) + .milliseconds(50) + .seconds(2))
        let measure = try Self.parse(
            ["measure-connect", "10.0.0.5", "9311", "--count", "3", "--timeout", wait],
            as: GameDay.MeasureConnectCommand.self)
        #expect(measure.host == "10.0.0.5" && measure.port == 9311 && measure.count == 3)
        #expect(DurationText.format(measure.timeout) == wait)
        let plain = try Self.parse(["measure-connect", "h", "1"], as: GameDay.MeasureConnectCommand.self)
        #expect(plain.count == 3 && plain.timeout == .seconds(5))
        for arguments in [
            ["measure-connect", "h"], ["measure-connect", "h", "70000"],
            ["measure-connect", "h", "1", "--timeout", "2h"],
        ] {
            #expect(GameDay.exitCode(for: Self.error(arguments)).rawValue == 64, "\(arguments)")
        }
    }
}
