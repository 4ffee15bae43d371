import GameDayCore
import GameDayTestSupport
import Testing

/// `gameday init`'s questions to a system (a fake one): where the unit is named, which unit serves
/// which key, whether the control plane wants a token, and what it refuses to guess.
@Suite struct StarterSurveyTests {
    static func settings(units: [String]? = nil, routing: [RouteRange]? = nil) -> StarterSettings {
        StarterSettings(
            gatewayURL: FakeSystem.gateway, controlPlaneURL: FakeSystem.controlPlane, units: units,
            path: "/storefront", routing: routing)
    }

    static func survey(
        _ system: FakeSystem, units: [String]? = nil, routing: [RouteRange]? = nil, steps: Int = 16
    ) async -> SurveyFindings {
        await SystemSurvey(
            settings: settings(units: units, routing: routing), transport: system, bisectionSteps: steps
        ).run()
    }

    @Test func aUnitInAHeaderIsFoundAndTheBoundaryAskedForToTheSlot() async throws {
        let system = FakeSystem(unitIn: .header("X-Unit"))
        let findings = await Self.survey(system)
        #expect(findings.gateway == .answered(status: 400, excerpt: #"{"error":"no userId"}"#))
        #expect(findings.unitSource?.source == .header("X-Unit"))
        #expect(findings.samples.map(\.unit) == ["hangzhou", "hangzhou", "beijing", "beijing", "beijing"])
        #expect(findings.namedUnits == ["hangzhou", "beijing"])
        // Slot 0 (9999 was a sample), then halving 2500~5000 down to 4999|5000.
        #expect(findings.boundaryProbes.first?.key == 0)
        #expect(findings.boundaryProbes.count <= 1 + 12)
        let guess = try #require(RoutingGuess(observations: findings.observations(modulo: 10000), modulo: 10000))
        #expect(
            guess.ranges == [.init(from: 0, to: 4999, unit: "hangzhou"), .init(from: 5000, to: 9999, unit: "beijing")])
        #expect(guess.uncertain.isEmpty)
        #expect(guess.boundaries.map(\.description) == ["4999 → hangzhou, 5000 → beijing"])
        // Only GETs of the URLs given; the keys as the query parameter of the path.
        let asked = system.requests.withLock { $0 }
        #expect(
            asked.prefix(3) == [
                FakeSystem.gateway, FakeSystem.controlPlane, "\(FakeSystem.gateway)/storefront?userId=50",
            ])
    }

    @Test func aUnitInABodyFieldIsFoundByItsPointer() async {
        let findings = await Self.survey(FakeSystem(unitIn: .body(["data", "served_zone"])))
        #expect(findings.unitSource?.source == .body(try! JSONPointer("/data/served_zone")))
        #expect(findings.namedUnits == ["hangzhou", "beijing"])

        // A constant field that sounds like a unit ("region": "cn") loses to one that varies.
        let top = await Self.survey(FakeSystem(unitIn: .body(["unit"])))
        #expect(top.unitSource?.source == .body(try! JSONPointer("/unit")))
        let candidates = UnitSourceInference.candidates(
            in: top.samples.compactMap(\.response), units: nil)
        #expect(candidates.map(\.source.description) == ["/unit of the JSON body", "/region of the JSON body"])
    }

    @Test func aHeaderIsPreferredToTheSameUnitInTheBody() async {
        let findings = await Self.survey(FakeSystem(unitIn: .both(header: "X-Unit", body: ["unit"])))
        #expect(findings.unitSource?.source == .header("X-Unit"))
    }

    @Test func theUnitsNamedByTheOperatorFindAHeaderWhoseNameSaysNothing() async throws {
        let system = FakeSystem(unitIn: .header("X-Served-By"))
        let recognised = await Self.survey(system)
        // Without names, X-Served-By is not recognised; "region": "cn" is, and names one unit only.
        #expect(recognised.unitSource?.source == .body(try JSONPointer("/region")))
        let error = #expect(throws: StarterError.self) {
            try StarterFiles(settings: Self.settings(), findings: recognised)
        }
        #expect(
            error?.errorDescription?.hasPrefix("every key asked named the same unit, cn, in /region of the JSON body")
                == true)

        let named = await Self.survey(system, units: ["beijing", "hangzhou"])
        #expect(named.unitSource?.source == .header("X-Served-By"))
        #expect(named.namedUnits == ["hangzhou", "beijing"])
    }

    @Test func noUnitNamedAnywhereIsRefusedWithTheAnswersAndWhatToDo() async throws {
        let units = ["beijing", "hangzhou"]
        let findings = await Self.survey(FakeSystem(unitIn: .nowhere), units: units)
        #expect(findings.unitSource == nil)
        #expect(findings.samples.count == 5)
        #expect(findings.boundaryProbes.isEmpty)
        let error = try #require(
            #expect(throws: StarterError.self) {
                try StarterFiles(settings: Self.settings(units: units), findings: findings)
            })
        let message = try #require(error.errorDescription)
        #expect(
            message.hasPrefix(
                "no answer named the unit that served it (looked for a header or a JSON field whose value is beijing or hangzhou); the answers were: key 50: 200 {"
            ))
        #expect(
            message.hasSuffix(
                "Check --path and --key-param (the request must reach a unit), or pass --units with the unit names your system puts in its answers"
            ))
    }

    @Test func aControlPlaneRefusingAnAnonymousRequestNeedsAToken() async throws {
        let findings = await Self.survey(FakeSystem(controlPlaneStatus: 401))
        #expect(findings.controlPlane.status == 401)
        #expect(findings.controlPlaneNeedsToken)
        let files = try StarterFiles(settings: Self.settings(), findings: findings)
        #expect(files.target.contains("  # TODO: it refused a request without credentials (401), so it needs a token"))
        #expect(files.target.contains("  token: { env: GAMEDAY_CONTROL_PLANE_TOKEN }\n"))
        #expect(
            files.report(targetPath: "t.yaml", drillPath: "d.yaml").contains(
                "  it needs a token: the target reads it from $GAMEDAY_CONTROL_PLANE_TOKEN"))

        let open = await Self.survey(FakeSystem(controlPlaneStatus: 404))
        #expect(!open.controlPlaneNeedsToken)
        let openFiles = try StarterFiles(settings: Self.settings(), findings: open)
        #expect(openFiles.target.contains("# TODO: whether the control plane's API needs a token cannot be told"))
    }

    @Test func anUnreachableGatewayEndsTheSurveyAndIsRefused() async throws {
        let system = FakeSystem(gatewayUp: false)
        let findings = await Self.survey(system)
        #expect(findings.gateway == .unreachable("connection refused (\(FakeSystem.gateway))"))
        #expect(findings.samples.isEmpty)
        // The control plane was asked all the same; no key was.
        #expect(system.requests.withLock { $0 } == [FakeSystem.gateway, FakeSystem.controlPlane])
        let error = #expect(throws: StarterError.self) {
            try StarterFiles(settings: Self.settings(), findings: findings)
        }
        #expect(
            error?.errorDescription
                == "the gateway at http://gateway.test did not answer (connection refused (http://gateway.test)): check "
                + "the URL and that this machine reaches it; gameday init learns the starter files from the running "
                + "system, so it wrote nothing")
    }

    @Test func routingGivenIsCheckedAgainstTheAnswersAndNotAskedAbout() async throws {
        let right: [RouteRange] = [
            .init(from: 0, to: 4999, unit: "hangzhou"), .init(from: 5000, to: 9999, unit: "beijing"),
        ]
        let findings = await Self.survey(FakeSystem(), routing: right)
        #expect(findings.boundaryProbes.isEmpty)
        let files = try StarterFiles(settings: Self.settings(routing: right), findings: findings)
        #expect(files.ranges == right)
        #expect(files.guess == nil)

        let wrong: [RouteRange] = [
            .init(from: 0, to: 5999, unit: "hangzhou"), .init(from: 6000, to: 9999, unit: "beijing"),
        ]
        let disagreeing = await Self.survey(FakeSystem(), routing: wrong)
        let error = #expect(throws: StarterError.self) {
            try StarterFiles(settings: Self.settings(routing: wrong), findings: disagreeing)
        }
        #expect(error == .routingDisagrees(["slot 5000 → beijing, --routing says hangzhou"]))
    }

    @Test func aBoundaryNotFoundToTheSlotIsGuessedAndSaidSo() async throws {
        let findings = await Self.survey(FakeSystem(boundary: 4321), steps: 3)
        let files = try StarterFiles(settings: Self.settings(), findings: findings)
        let boundary = try #require(files.guess?.uncertain.first)
        #expect(boundary.lower < 4321 && boundary.upper >= 4321 && boundary.upper - boundary.lower > 1)
        #expect(
            files.target.contains(
                "# TODO: hangzhou ends and beijing begins somewhere in \(boundary.lower + 1)~\(boundary.upper)"))
        #expect(files.ranges.map(\.to) == [boundary.upper - 1, 9999])
    }

    @Test func routingIsGuessedFromWhereEachUnitWasFirstSeen() throws {
        let guess = try #require(
            RoutingGuess(
                observations: [
                    (6000, "beijing"), (50, "hangzhou"), (2500, "hangzhou"), (5000, "beijing"), (9999, "beijing"),
                    (50, "beijing"),
                ], modulo: 10000))
        #expect(
            guess.ranges == [.init(from: 0, to: 4999, unit: "hangzhou"), .init(from: 5000, to: 9999, unit: "beijing")])
        #expect(guess.uncertain.map(\.description) == ["2500 → hangzhou, 5000 → beijing"])
        #expect(guess.lowest == 50 && guess.highest == 9999)
        #expect(RoutingGuess(observations: [], modulo: 10000) == nil)
    }
}
