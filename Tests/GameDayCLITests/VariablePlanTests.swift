import ArgumentParser
import Foundation
import GameDayCore
import GameDayRuntime
import Testing

@testable import GameDayCLI

/// `--var` and `--var-file` as `plan` reads them: the later value wins, the plan lists each variable
/// and where it came from, and a secret is `***` everywhere.
@Suite struct VariablePlanTests {
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gameday-plan-vars-\(UUID().uuidString)")

        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

        deinit { try? FileManager.default.removeItem(at: url) }

        func write(_ name: String, _ text: String) throws -> String {
            let path = url.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    static let drill = """
        drill: vars-plan
        probe:
          request:
            url: "{{gateway.url}}/storefront?userId={{user.id}}"
            headers: { Authorization: "Bearer {{vars.api_token}}" }
        users:
          - { id: "{{vars.user}}", home: "{{vars.unit}}", impact: fail }
        faults:
          - { name: product-down, kind: kill-process, unit: "{{vars.unit}}", service: product, restart: false }
        """

    static let target = """
        target: lab
        gateway: { url: "http://127.0.0.1:{{vars.gateway_port}}" }
        control_plane: { url: "http://127.0.0.1:9301" }
        routing: { ranges: [{ from: 0, to: 4999, unit: hangzhou }, { from: 5000, to: 9999, unit: beijing }] }
        units:
          hangzhou: { services: { product: { process: { pid_file: hangzhou-product.pid } } } }
          beijing: { services: { product: { process: { pid_file: beijing-product.pid } } } }
        """

    @Test func thePlanListsTheVariablesWithSecretsRedactedAndTheLastValueWins() throws {
        let folder = try Folder()
        let drill = try folder.write("drill.yaml", Self.drill)
        let target = try folder.write("target.yaml", Self.target)
        let staging = try folder.write("staging.yaml", "unit: hangzhou\nuser: \"50\"\ngateway_port: 9300\n")
        let secrets = try folder.write("secrets.yaml", "api_token: s3cr3t-from-file\nunit: beijing\n")
        let plan = try #require(
            try GameDay.parseAsRoot([
                "plan", drill, "--target", target, "--var-file", staging, "--var-file", secrets, "--var", "user=6000",
            ]) as? GameDay.Plan)
        let loaded = try LoadedDrill.load(plan.files)
        #expect(loaded.drill.faults.first?.unit == "beijing")
        #expect(loaded.drill.users.map(\.id) == ["6000"])
        #expect(loaded.target.gatewayURL == "http://127.0.0.1:9300")

        let text = VariableLines(variables: loaded.variables).added(
            to: PlanRenderer(
                drill: loaded.drill, target: loaded.target,
                faults: DrillSession.faults(
                    runId: "plan", drill: loaded.drill, watchdogTimeout: .seconds(10),
                    hosts: SSHHostSession(runId: "plan"))
            ).render())
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("plan: drill vars-plan") == true)
        #expect(
            Array(lines.dropFirst().prefix(5)) == [
                "variables (filled in when the files were read):",
                "   api_token    = ***   (from \(secrets):1:1)",
                "   gateway_port = 9300   (from \(staging):3:1)",
                "   unit         = beijing   (from \(secrets):2:1)",
                "   user         = 6000   (from --var)",
            ])
        #expect(text.contains("Authorization: Bearer ***"), "\(text)")
        #expect(!text.contains("s3cr3t"))
        #expect(loaded.variables.shown["api_token"] == "***")
    }

    @Test func unusedAndUnknownVariablesAndBadVarFilesStopThePlan() throws {
        let folder = try Folder()
        let drill = try folder.write("drill.yaml", Self.drill)
        let target = try folder.write("target.yaml", Self.target)
        let vars = try folder.write("vars.yaml", "unit: beijing\nuser: 6000\ngateway_port: 9300\nzone: a\n")
        let broken = try folder.write("broken.yaml", "[unit, beijing]\n")
        for extra in [["--var-file", vars], ["--var-file", vars, "--var-file", broken]] {
            let plan = try #require(
                try GameDay.parseAsRoot(["plan", drill, "--target", target] + extra) as? GameDay.Plan)
            let given = plan.files.variables.load()
            #expect(given.diagnostics.count == extra.count / 2 - 1)
            #expect(throws: ExitCode.self) { try LoadedDrill.load(plan.files) }
        }
        // The unknown api_token and the unused zone, each where it is.
        var usage = VariableUsage()
        let variables = try #require(
            try GameDay.parseAsRoot(["plan", drill, "-t", target, "--var-file", vars]) as? GameDay.Plan
        )
        .files.variables.load().variables
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.loadDrill(path: drill, variables: variables, usage: &usage)
        }
        #expect(
            error?.diagnostics.map(\.description) == [
                "\(drill):5:39: error: unknown variable 'api_token'; given: gateway_port, unit, user, zone; "
                    + "or give it with --var api_token=VALUE or in a --var-file"
            ])
        _ = try DrillLoader.loadTarget(path: target, variables: variables, usage: &usage)
        #expect(
            variables.unused(usage).map(\.description).first?.hasPrefix(
                "\(vars):4:1: error: variable 'zone' is never used") == true)
    }
}
