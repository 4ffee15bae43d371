import ArgumentParser
import Foundation
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
}
