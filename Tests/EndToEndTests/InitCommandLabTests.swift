import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

/// `gameday init` against a real lab: it finds where the lab names the unit and how it routes, writes
/// files `validate` accepts as written, and once their TODOs are filled with the lab's own values
/// (the units' processes and restart commands, the token), the drill passes against the lab.
@Suite(.serialized) struct InitCommandLabTests {
    /// `gameday init` against the lab's gateway and control plane, writing into `directory`.
    static func initialise(_ lab: TestLab, in directory: String) async throws -> ChildProcess.Output {
        try await ChildProcess.run(
            [
                lab.binary, "init", "--gateway", lab.gatewayURL, "--control-plane", lab.controlPlaneURL, "--path",
                "/storefront", "--output", directory,
            ], timeout: .seconds(60))
    }

    /// `old` replaced by `new` in `text`, expecting it there.
    static func replacing(_ old: String, with new: String, in text: String) -> String {
        #expect(text.contains(old), "no '\(old)' in:\n\(text)")
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test func theStarterFilesOfTheLabValidateAndOnceFilledInTheDrillPasses() async throws {
        try await TestLab.withLab { lab in
            let directory = try TestLab.makeTemporaryDirectory(prefix: "gameday-init")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let output = try await Self.initialise(lab, in: directory)
            #expect(output.exitCode == 0, "\(output.transcript)")
            let found = output.stdout.split(separator: "\n").map(String.init)
            #expect(
                found.contains { $0.lowercased() == "  the serving unit: the x-unit header (units beijing, hangzhou)" },
                "\(output.stdout)")
            #expect(
                found.contains { $0.hasPrefix("  routing: 0~4999 → hangzhou, 5000~9999 → beijing (inferred, ") },
                "\(output.stdout)")
            // The lab's control plane answers 404 outside its API, whose every call needs the token.
            #expect(
                found.contains {
                    $0.hasPrefix("control plane \(lab.controlPlaneURL): GET without credentials answered 404")
                }, "\(output.stdout)")

            let targetPath = "\(directory)/target.yaml"
            let drillPath = "\(directory)/drill.yaml"
            let starterTarget = try String(contentsOfFile: targetPath, encoding: .utf8)
            let starterDrill = try String(contentsOfFile: drillPath, encoding: .utf8)
            #expect(starterDrill.lowercased().contains("  unit_from: { header: x-unit }\n"), "\(starterDrill)")
            print("gameday init against the lab wrote:\n\(starterTarget)\n---\n\(starterDrill)")

            // As written: valid, the drill against the target.
            let validate = try await ChildProcess.run([lab.binary, "validate", drillPath, "--target", targetPath])
            #expect(validate.exitCode == 0, "\(validate.transcript)")

            // The TODOs filled from the lab's own target, as an operator would from what they know: the
            // units (each process's pid file, its restart command) and the token; the drill then lets the
            // restart command bring product back.
            let labTarget = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
            let labUnits = try #require(labTarget.range(of: "\nunits:\n")).lowerBound
            let labToken = try #require(
                labTarget.split(separator: "\n").first { $0.hasPrefix("  token: ") }.map(String.init))
            let starterUnits = try #require(starterTarget.range(of: "\nunits:\n")).lowerBound
            var filledTarget = String(starterTarget[..<starterUnits]) + String(labTarget[labUnits...])
            filledTarget = Self.replacing(
                "  token: { env: GAMEDAY_CONTROL_PLANE_TOKEN }", with: labToken, in: filledTarget)
            let filledDrill = Self.replacing("    restart: false\n", with: "", in: starterDrill)
            try filledTarget.write(toFile: targetPath, atomically: true, encoding: .utf8)
            try filledDrill.write(toFile: drillPath, atomically: true, encoding: .utf8)

            let productBefore = try #require(try lab.pid(of: "beijing-product"))
            let run = try await DrillRun.run(drillPath, lab: lab, output: "\(directory)/results", target: targetPath)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .pass)
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }
            let moved = try #require(run.user(6000))
            #expect(moved.servedBefore == "beijing" && moved.servedAfter == "hangzhou")
            #expect(try #require(run.user(50)).failures == 0)
            #expect(result.faults.first?.pids == [productBefore])
            #expect(result.faults.first?.state == .reverted)
        }
    }

    @Test func aLabNamingTheUnitInTheBodyOnlyGetsADrillReadingItThere() async throws {
        try await TestLab.withLab(unitIn: "body") { lab in
            let directory = try TestLab.makeTemporaryDirectory(prefix: "gameday-init")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let output = try await Self.initialise(lab, in: directory)
            #expect(output.exitCode == 0, "\(output.transcript)")
            #expect(
                output.stdout.contains("  the serving unit: /unit of the JSON body (units beijing, hangzhou)\n"),
                "\(output.stdout)")
            let drillPath = "\(directory)/drill.yaml"
            let drill = try String(contentsOfFile: drillPath, encoding: .utf8)
            #expect(drill.contains("  unit_from: { body: /unit }\n"), "\(drill)")
            #expect(!drill.contains("unit_header"))

            let targetPath = "\(directory)/target.yaml"
            let validate = try await ChildProcess.run([lab.binary, "validate", drillPath, "--target", targetPath])
            #expect(validate.exitCode == 0, "\(validate.transcript)")
            let plan = try await ChildProcess.run([lab.binary, "plan", drillPath, "--target", targetPath])
            #expect(plan.exitCode == 0, "\(plan.transcript)")
            #expect(plan.stdout.contains("serving unit from /unit of the JSON body"), "\(plan.stdout)")

            // Never over the files it wrote, unless told to.
            let again = try await Self.initialise(lab, in: directory)
            #expect(again.exitCode == 1, "\(again.transcript)")
            #expect(again.stderr.contains("already exist: pass --force to replace them"), "\(again.stderr)")
            #expect(try String(contentsOfFile: drillPath, encoding: .utf8) == drill)
        }
    }
}
