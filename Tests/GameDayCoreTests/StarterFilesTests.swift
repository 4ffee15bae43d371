import GameDayCore
import GameDayTestSupport
import Testing

/// The files `gameday init` writes: loaded by the strict loader and checked against each other as
/// `gameday validate` does, every TODO a comment, and what the system answered written as found.
@Suite struct StarterFilesTests {
    static func files(
        _ system: FakeSystem, units: [String]? = nil, service: String = "product"
    ) async throws -> StarterFiles {
        var settings = StarterSurveyTests.settings(units: units)
        settings.service = service
        let findings = await SystemSurvey(settings: settings, transport: system).run()
        return try StarterFiles(settings: settings, findings: findings)
    }

    /// Every problem `gameday validate drill.yaml --target target.yaml` would report.
    static func problems(_ files: StarterFiles) -> [String] {
        do throws(DiagnosticsError) {
            let target = try DrillLoader.parseTarget(yaml: files.target, file: "/starter/target.yaml")
            let drill = try DrillLoader.parseDrill(yaml: files.drill, file: "/starter/drill.yaml")
            return DrillValidator.check(drill, against: target).map(\.description)
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test(arguments: [
        FakeSystem.UnitPlace.header("X-Unit"), .body(["unit"]), .body(["meta", "cell~id"]),
        .both(header: "x-served-unit", body: ["unit"]),
    ])
    func theFilesLoadAndFitEachOtherAsWritten(place: FakeSystem.UnitPlace) async throws {
        let files = try await Self.files(FakeSystem(unitIn: place))
        #expect(Self.problems(files) == [])
        let target = try DrillLoader.parseTarget(yaml: files.target, file: "/starter/target.yaml")
        let drill = try DrillLoader.parseDrill(yaml: files.drill, file: "/starter/drill.yaml")
        #expect(drill.probe.unitFrom == files.unitSource)
        #expect(target.units.map(\.name) == ["beijing", "hangzhou"])
        #expect(target.routing.unit(for: "4999") == "hangzhou")
        #expect(target.routing.unit(for: "5000") == "beijing")
        #expect(drill.users.map(\.id) == ["6000", "50"])
        #expect(drill.users.map(\.home) == ["beijing", "hangzhou"])
        #expect(drill.users.first?.recoversOn == "hangzhou")
    }

    @Test func theDrillSaysWhatWasFoundAndTheTargetWhereTheRangesComeFrom() async throws {
        let files = try await Self.files(FakeSystem(unitIn: .body(["data", "unit"])))
        #expect(files.drill.contains("  unit_from: { body: /data/unit }\n"))
        #expect(files.drill.contains(#"    url: "{{gateway.url}}/storefront?userId={{user.id}}""#))
        #expect(files.drill.contains("    status: 200  # what every key asked got\n"))
        #expect(
            files.drill.contains(
                "  - { id: 6000, name: beijing-user, home: beijing, impact: fail, recovers_on: hangzhou }"))
        #expect(files.drill.contains("  - { id: 50, name: hangzhou-user, home: hangzhou, impact: none }"))
        #expect(files.drill.contains("drill: beijing-product-down\n"))
        #expect(
            files.target.contains(
                "#   50 → hangzhou, 2500 → hangzhou, 5000 → beijing, 6000 → beijing, 9999 → beijing\n"))
        #expect(files.target.contains("where the units meet: 4999 → hangzhou, 5000 → beijing\n"))
        #expect(
            files.target.contains(
                "    - { from: 0, to: 4999, unit: hangzhou }\n    - { from: 5000, to: 9999, unit: beijing }\n"))
        #expect(files.target.contains(#"  url: "http://gateway.test""#))
    }

    @Test func everyTODOIsACommentAndMarksWhatOnlyTheOperatorKnows() async throws {
        let files = try await Self.files(FakeSystem())
        for text in [files.target, files.drill] {
            for line in text.split(separator: "\n") where line.contains("TODO") {
                let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                #expect(line.contains("#") && !code.contains("TODO"), "\(line)")
            }
        }
        let todos = (files.target + files.drill).split(separator: "\n").filter { $0.contains("TODO") }.joined(
            separator: "\n")
        for place in [
            "a name for this environment", "how gameday finds product's process",
            "the command that starts product again",
            "a request that needs the token", "your control plane's cut-over", "your RTO goal",
            "remove once the target gives product a 'restart:' command", "the call that puts routing back",
            "check these ranges",
        ] {
            #expect(todos.contains(place), "no TODO for \(place)")
        }
        // Until the operator gives a restart command, the drill does not restart (validation passes).
        #expect(files.drill.contains("    restart: false\n"))
        #expect(files.target.contains("        # restart: [systemctl, start, product.service]\n"))
    }

    @Test func namesThatYAMLWouldMisreadAreQuoted() async throws {
        let files = try await Self.files(FakeSystem(unitIn: .header("X-Unit")), units: ["beijing", "hangzhou", "yes"])
        #expect(files.target.contains("  \"yes\":\n"))
        #expect(Self.problems(files) == [])
    }

    @Test func theReportSaysWhatWasFoundAndWhatToDoNext() async throws {
        let lines = try await Self.files(FakeSystem()).report(targetPath: "t/target.yaml", drillPath: "t/drill.yaml")
        #expect(lines.first == #"gateway http://gateway.test: GET answered 400 ({"error":"no userId"})"#)
        #expect(lines.contains("  userId=6000: 200, beijing"))
        #expect(lines.contains("  the serving unit: the X-Unit header (units beijing, hangzhou)"))
        #expect(lines.contains { $0.hasPrefix("  routing: 0~4999 → hangzhou, 5000~9999 → beijing (inferred, ") })
        #expect(lines.contains("  2. gameday validate t/drill.yaml --target t/target.yaml"))
        #expect(lines.contains("  3. gameday plan t/drill.yaml --target t/target.yaml"))
        #expect(
            lines.last == "  4. export GAMEDAY_CONTROL_PLANE_TOKEN=…; gameday run t/drill.yaml --target t/target.yaml")
    }
}
