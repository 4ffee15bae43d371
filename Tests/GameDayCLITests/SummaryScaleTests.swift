import Foundation
import GameDayRuntime
import GameDayTestSupport
import Testing

@testable import GameDayCLI
@testable import GameDayCore

/// A summary that scales: per user group, a few lines each, the worst users named, so that a drill
/// of 1,000 users fits a terminal screen; `--verbose` still lists every user.
@Suite struct SummaryScaleTests {
    /// A result archived by a real run of the shipped 20-user range drill (two generated groups).
    static func rangeResult() throws -> RunResult {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GameDayCoreTests/Fixtures/results/storefront-range-cutover.json")
        return try RunResult.read(Data(contentsOf: path))
    }

    /// The range drill's result with each user copied `copies` times (keys `5250`, `5251`, …), the
    /// moments spread, and the first `hurt` users of hangzhou-sample failing while the faults were
    /// applied, as the verdicts then say.
    static func scaled(copies: Int, hurt: Int = 0) throws -> RunResult {
        var result = try rangeResult()
        var users: [UserRecord] = []
        for user in result.users {
            for copy in 0..<copies {
                var clone = user
                clone.id = String(Int(user.id)! + copy)
                clone.name = "\(user.name)-\(copy)"
                clone.firstFailureMs = user.firstFailureMs.map { $0 + Double(copy) * 2 }
                clone.recoveredMs = user.recoveredMs.map { $0 + Double(copy) * 3 }
                users.append(clone)
            }
        }
        let hangzhou = users.indices.filter { users[$0].expectedImpact == "none" }
        for index in hangzhou.prefix(hurt) {
            users[index].failures = 3 + index % 4
            users[index].firstFailureMs = 1500 + Double(index)
            users[index].impacted = true
            users[index].failuresSinceFault = users[index].failures
        }
        result.users = users
        for index in result.groups.indices {
            let keys = Set(result.groups[index].users)
            result.groups[index].users = users.filter { keys.contains(String(Int($0.id)! - Int($0.id)! % 50)) }
                .map(\.id)
        }
        result.verdicts = result.verdicts.map { verdict in
            switch verdict.name {
            case "impact": Verdict("impact", .pass, "500 of 500 users of beijing-sample failed from +1376ms to +1564ms")
            case "blast_radius" where hurt > 0:
                Verdict(
                    "blast_radius", .fail,
                    "\(hurt) of 500 users of hangzhou-sample failed 33 time(s) from +1500ms to +1510ms (first status 503, "
                        + "served by hangzhou), most 253 (6), 251 (5), 250 (3) and 7 more")
            case "blast_radius": Verdict("blast_radius", .pass, "500 of 500 users of hangzhou-sample never failed")
            default: verdict
            }
        }
        return result
    }

    /// Every line at most `columns` wide, and the whole in at most `rows` lines.
    static func fits(_ text: String, rows: Int = 60, columns: Int = 120) -> Bool {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count <= rows && lines.allSatisfy { $0.count <= columns }
    }

    @Test func theRangeDrillSaysEachGroupInAFewLinesAndVerboseListsEveryUser() throws {
        let result = try Self.rangeResult()
        let text = Summary(result: result, archive: nil, width: 120).render()
        #expect(text.contains("  users: 20 in 2 group(s) (--verbose lists each)"), "\(text)")
        #expect(text.contains("    beijing-sample: 10 users, home beijing, expected impact fail\n"), "\(text)")
        #expect(
            text.contains("      10 of 10 failed from +1.376s to +1.466s (50/119 probes); most failures 5250 (5/11), "),
            "\(text)")
        #expect(text.contains("      10 of 10 recovered from +2.376s to +2.466s on hangzhou: first 5250, last 9750"))
        #expect(
            text.contains(
                "      10 of 10 never failed while the faults were applied (114 probes), nor after (220 in all)"),
            "\(text)")
        #expect(!text.contains("beijing-sample-1)"), "no user's own line")
        #expect(Self.fits(text, rows: 30))

        let verbose = Summary(result: result, archive: nil, verbose: true).render()
        #expect(
            verbose.contains("  users:\n    5250 (beijing-sample-1) home beijing, expected impact fail: failed 5/11"))
        #expect(result.users.allSatisfy { verbose.contains("    \($0.id) (\($0.name)) home") })
    }

    @Test func aThousandUsersFitAScreenAndTheUnexpectedOnesAreNamed() throws {
        let result = try Self.scaled(copies: 50, hurt: 10)
        #expect(result.users.count == 1_000)
        let text = Summary(result: result, archive: "results/r/20261121T093417Z-0b34c4de", width: 120).render()
        print(text)
        #expect(Self.fits(text), "\(text)")
        #expect(text.contains("  users: 1000 in 2 group(s) (--verbose lists each)"))
        #expect(text.contains("      500 of 500 failed from +1.376s to +1.564s (2500/5950 probes)"), "\(text)")
        #expect(text.contains("      500 of 500 recovered from +2.376s to +2.613s on hangzhou: first 5250, last 9799"))
        // The bystanders that failed are counted and the first named, in red on a terminal.
        #expect(text.contains("      10 of 500 failed from +"), "\(text)")
        #expect(text.contains("expected none: 250, 251, 252 and 7 more"), "\(text)")
        #expect(text.contains("      490 of 500 never failed while the faults were applied"), "\(text)")
        let coloured = Summary(result: result, archive: nil, style: TerminalStyle(color: true), width: 120).render()
        #expect(coloured.contains("\u{1B}[31m      10 of 500 failed from +"), "\(coloured)")
    }

    @Test func manyGroupsAreCountedPastAFewTheUnexpectedOnesShownFirst() throws {
        var result = try Self.scaled(copies: 5)
        // 100 users, each hangzhou user a listed user of its own (a group of one).
        let hangzhou = result.users.filter { $0.expectedImpact == "none" }
        result.groups = result.groups.filter { $0.expectedImpact == "fail" }
        for user in hangzhou {
            result.groups.append(
                GroupRecord(
                    name: user.name, users: [user.id], expectedImpact: "none", impacted: 0, failures: 0, samples: 0,
                    skipped: 0, bucketMs: 200, buckets: [], timings: []))
        }
        let last = try #require(result.users.lastIndex { $0.expectedImpact == "none" })
        result.users[last].failuresSinceFault = 2
        result.users[last].firstFailureSinceFaultMs = 400
        let text = Summary(result: result, archive: nil, width: 120).render()
        #expect(Self.fits(text), "\(text)")
        #expect(text.contains("  users: 100 in 51 group(s)"))
        #expect(text.contains("    \(result.users[last].id) (\(result.users[last].name))"), "the unexpected one first")
        #expect(text.contains("    … and 39 more group(s) (39 users), as expected"), "\(text)")
    }

    @Test func aSmallDrillsUsersReadAsBefore() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GameDayCoreTests/Fixtures/results/v3-storefront-strong-dependency.json")
        let result = try RunResult.read(Data(contentsOf: path))
        let text = Summary(result: result, archive: nil).render()
        #expect(
            text.contains(
                "  users:\n    6000 (beijing-user) home beijing, expected impact fail: failed 11/17 probes from +1.405s"
            ),
            "\(text)")
    }

    @Test func aLongVerdictMessageWrapsUnderItself() {
        let lines = Summary.wrap(
            String(repeating: "word ", count: 40), width: 60, indent: "    PASS  impact  ",
            hanging: "                  ")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 60 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("                  word") })
    }

    // MARK: - The live status line

    @Test func theStatusLineStaysOneLineWidestGroupsFirstTheRestCounted() {
        var groups = (1...30).map { LiveStatus.Group(name: "listed-\($0)", ok: 5, units: ["hangzhou": 5]) }
        groups.append(.init(name: "beijing-sample", ok: 0, failed: 2_500, units: ["beijing": 2_500]))
        groups.append(.init(name: "hangzhou-sample", ok: 2_450, units: ["hangzhou": 2_450]))
        groups[29] = .init(name: "listed-30", ok: 4, failed: 1, units: ["hangzhou": 5])
        let status = LiveStatus(phase: .observe, elapsed: .milliseconds(3_250), groups: groups)
        let line = EventPrinter.statusLine(status, width: 120, style: .plain)
        #expect(!line.contains("\n"))
        #expect(line.count <= 120, "\(line)")
        #expect(
            line
                == "[+3.250s] observe │ beijing-sample 0% beijing │ hangzhou-sample 100% hangzhou │ +30 more (1 failing)",
            "\(line)")
        let wider = EventPrinter.statusLine(status, width: 160, style: .plain)
        #expect(wider.count <= 160, "\(wider)")
        #expect(wider.hasSuffix(" │ listed-2 100% hangzhou │ +28 more (1 failing)"), "\(wider)")

        // Groups of the same size keep their places from one redraw to the next.
        let widths = GroupWidths()
        let first = LiveStatus(
            phase: .observe, elapsed: .seconds(1), groups: [.init(name: "a", ok: 50), .init(name: "b", ok: 49)])
        _ = widths.widths(after: first)
        var second = first
        second.groups = [.init(name: "a", ok: 49), .init(name: "b", ok: 50)]
        let order = EventPrinter.statusLine(second, width: 120, style: .plain, widths: widths.widths(after: second))
        #expect(order == "[+1.000s] observe │ a 100% - │ b 100% -", "\(order)")
    }

    // MARK: - Through the runner

    /// 1,000 users in two generated groups and two listed users, against the in-memory storefront
    /// whose cut-over moves every beijing user: the verdicts and the summary stay short.
    @Test func aThousandUserRunThroughTheRunnerFitsAScreen() async throws {
        var drill = FakeDrill.drill()
        drill.probe.interval = .milliseconds(250)
        drill.steadyState = SteadyStateSpec(duration: .milliseconds(600))
        drill.observe = ObserveSpec(duration: .milliseconds(300), timeout: .seconds(10))
        drill.recovery = RecoverySpec(rto: .seconds(10), window: .consecutive(2), timeout: .seconds(10))
        drill.rollback.steadyState = .milliseconds(300)
        drill.userGroups = [
            UserGroupSpec(count: 499, unit: "beijing", name: "beijing-sample", impact: .fail, recoversOn: "hangzhou"),
            UserGroupSpec(count: 499, unit: "hangzhou", name: "hangzhou-sample", impact: .none),
        ]
        drill = drill.resolvingUserGroups(with: .storefront)
        #expect(drill.users.count == 1_000)
        let storefront = FakeStorefront()
        let moving = drill.users.filter { $0.home == "beijing" }.compactMap { Int($0.id) }
        let transport = WholeUnitCutover(storefront: storefront, moving: moving)
        let env = RunEnvironment(
            transport: transport, faults: FakeFaultDriver(storefront: storefront), clock: ContinuousRunClock(),
            wallClock: { 1_800_000_000_000 + $0.milliseconds },
            environment: { $0 == "FAKE_TOKEN" ? "s3cret" : nil }, files: MemoryFileSystem(), reporter: EventLog(),
            runId: "scale", ledger: MemoryLedger(transport: storefront))
        let result = await DrillRunner(drill: drill, target: FakeDrill.target, environment: env).run()
        #expect(result.outcome == .pass, "\(result.reason ?? "") \(result.verdicts)")
        #expect(result.verdicts.allSatisfy { $0.message.count <= 300 }, "\(result.verdicts.map(\.message))")
        let impact = try #require(result.verdicts.first { $0.name == "impact" }?.message)
        #expect(impact.hasPrefix("user 6000 failed from +"), "\(impact)")
        #expect(impact.contains(", 499 of 499 users of beijing-sample failed from +"), "\(impact)")
        let blast = try #require(result.verdicts.first { $0.name == "blast_radius" }?.message)
        #expect(blast == "user 50, 499 of 499 users of hangzhou-sample never failed", "\(blast)")

        let text = Summary(result: result, archive: "results/fake-drill/20261121T093417Z-scale", width: 120).render()
        print(text)
        #expect(Self.fits(text), "\(text)")
        #expect(text.contains("    beijing-sample: 499 users, home beijing, expected impact fail\n"), "\(text)")
    }
}

/// The in-memory storefront, its cut-over moving every user of `moving` (the fake moves only 6000),
/// as the range drill's cut-over moves the whole range.
final class WholeUnitCutover: HTTPTransport {
    let storefront: FakeStorefront
    let moving: [Int]

    init(storefront: FakeStorefront, moving: [Int]) {
        self.storefront = storefront
        self.moving = moving
    }

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let response = try await storefront.send(request)
        if request.method == "POST", request.url.hasSuffix("/v1/cutovers"), response.status == 202 {
            storefront.state.withLock { state in
                for id in moving { state.overrides[id] = "hangzhou" }
            }
        }
        return response
    }
}
