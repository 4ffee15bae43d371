import Foundation
import Testing
import Yams

/// The CI jobs in `examples/ci/` parse, and keep what makes them a game day: a schedule, results
/// archived whatever the outcome, the JUnit report, the token from the secret store, and the job
/// ending with gameday's exit code.
@Suite struct CIExamplesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The token's variable, as the example target names it.
    static let tokenVariable = "GAMEDAY_CONTROL_PLANE_TOKEN"

    static func load(_ relative: String) throws -> Node {
        let text = try String(contentsOfFile: "\(repository)/\(relative)", encoding: .utf8)
        return try #require(try Yams.compose(yaml: text), "\(relative) is empty")
    }

    @Test func theExampleTargetReadsTheTokenFromTheVariableTheJobsSet() throws {
        let target = try Self.load("examples/targets/staging-target.yaml")
        #expect(target["control_plane"]?["token"]?["env"]?.string == Self.tokenVariable)
    }

    @Test func theGitHubWorkflowRunsOnAScheduleArchivesAlwaysAndEndsWithTheExitCode() throws {
        let workflow = try Self.load("examples/ci/github-actions/gameday.yml")
        let triggers = try #require(workflow["on"]?.mapping)
        let cron = try #require(triggers["schedule"]?.sequence?.first?["cron"]?.string)
        #expect(cron.split(separator: " ").count == 5, "cron '\(cron)' has five fields")
        #expect(triggers["workflow_dispatch"] != nil)

        let job = try #require(workflow["jobs"]?.mapping?.first?.value)
        let steps = try #require(job["steps"]?.sequence).map { $0 }
        func step(using action: String) -> Node? { steps.first { $0["uses"]?.string?.hasPrefix(action) == true } }

        let upload = try #require(step(using: "actions/upload-artifact@"))
        #expect(upload["if"]?.string == "always()")
        #expect(upload["with"]?["path"]?.string == "results/")
        let junit = try #require(step(using: "mikepenz/action-junit-report@"))
        #expect(junit["if"]?.string == "always()")
        #expect(junit["with"]?["report_paths"]?.string == "results/junit-*.xml")

        let run = try #require(steps.first { $0["id"]?.string == "drills" })
        let script = try #require(run["run"]?.string)
        #expect(script.contains("--output results --junit \"results/junit-$name.xml\" || code=$?"))
        #expect(run["env"]?[Self.tokenVariable]?.string == "${{ secrets.\(Self.tokenVariable) }}")
        // The token is read by gameday from its environment; no script names it, so none echoes it.
        #expect(steps.allSatisfy { $0["run"]?.string?.contains(Self.tokenVariable) != true })

        let last = try #require(steps.last)
        #expect(last["run"]?.string?.contains("steps.drills.outputs.exit_code") == true)
        #expect(last["if"]?.string?.hasPrefix("always()") == true)
        // The files it names by default are in this repository.
        let drills = try #require(triggers["workflow_dispatch"]?["inputs"]?["drills"]?["default"]?.string)
        #expect(job["env"]?["DRILLS"]?.string?.contains("'\(drills)'") == true)
        for path in drills.split(separator: " ").map(String.init) + [job["env"]?["TARGET"]?.string ?? "?"] {
            #expect(FileManager.default.fileExists(atPath: "\(Self.repository)/\(path)"), "no file \(path)")
        }
    }

    @Test func theGitLabJobRunsOnASchedulePublishesJUnitAndKeepsResultsAlways() throws {
        let pipeline = try Self.load("examples/ci/gitlab/.gitlab-ci.yml")
        let job = try #require(pipeline["gameday"])
        let rules = try #require(job["rules"]?.sequence).compactMap { $0["if"]?.string }
        #expect(rules.contains("$CI_PIPELINE_SOURCE == \"schedule\""))
        let artifacts = try #require(job["artifacts"])
        #expect(artifacts["when"]?.string == "always")
        #expect(artifacts["paths"]?.sequence?.compactMap(\.string) == ["results/"])
        #expect(artifacts["reports"]?["junit"]?.string == "results/junit-*.xml")
        #expect(artifacts["expire_in"]?.string != nil)
        let script = try #require(job["script"]?.sequence).compactMap(\.string).joined(separator: "\n")
        #expect(script.contains("--output results --junit \"results/junit-$name.xml\" || code=$?"))
        #expect(script.contains("exit \"$worst\""))
        #expect(!script.contains(Self.tokenVariable))
        for key in ["TARGET", "DRILLS"] {
            let path = try #require(pipeline["variables"]?[key]?.string)
            #expect(FileManager.default.fileExists(atPath: "\(Self.repository)/\(path)"), "no file \(path)")
        }
    }
}
