import Foundation
import GameDayCore
import GameDayRuntime
import Synchronization
import Testing

/// `trigger: external` for real: a file written in a temporary folder, and HTTP over loopback.
@Suite struct ExternalCutoverDecisionTests {
    static let trigger = CutoverTrigger(mode: .external, timeout: .seconds(30))

    static func question() -> CutoverQuestion {
        CutoverQuestion(
            runId: "r1", drill: "d", trigger: trigger, faultedUnit: "beijing", failing: [], healthy: 2,
            actions: ["POST http://cp/cutover"], askedAt: .seconds(3), faultAt: .seconds(1))
    }

    static func post(_ url: String, _ body: String?, method: String = "POST") async throws -> HTTPResponse {
        try await CurlHTTPClient().send(
            HTTPRequest(
                method: method, url: url, headers: [("Content-Type", "application/json")],
                body: body.map { Array($0.utf8) },
                timeout: .seconds(5)))
    }

    /// Lines the source said, for the instructions it printed.
    final class Said: Sendable {
        let lines = Mutex<[String]>([])
        var say: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
        var text: String { lines.withLock { $0.joined(separator: "\n") } }
    }

    @Test func aFileThatAppearsDecidesAndIsRemoved() async throws {
        let folder = NSTemporaryDirectory() + "gameday-decision-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/go"
        let said = Said()
        let source = ExternalCutoverDecision(file: file, interval: .milliseconds(20), say: said.say)
        #expect(try await source.prepare(Self.trigger) == "write go or abort into \(file)")
        let waiting = Task { try await source.decide(Self.question()) }
        // Something unreadable first: the wait goes on and says why.
        try "maybe".write(toFile: file, atomically: true, encoding: .utf8)
        // Until the source has read it and said why it waits on (a condition, not a sleep).
        let deadline = ContinuousClock.now + .seconds(20)
        while !said.text.contains("holds neither decision"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #"{"decision": "abort", "by": "alice"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let decision = try await waiting.value
        #expect(decision == CutoverDecision(go: false, decidedBy: .external, via: "file \(file)", who: "alice"))
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(said.text.contains("holds neither decision"))
        #expect(said.text.contains("waiting for the decision: write go or abort into \(file)"))
        await source.close()
    }

    @Test func aDecisionFileLeftFromBeforeIsRefusedInPreflight() async throws {
        let folder = NSTemporaryDirectory() + "gameday-decision-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "go".write(toFile: "\(folder)/go", atomically: true, encoding: .utf8)
        let source = ExternalCutoverDecision(file: "\(folder)/go", say: { _ in })
        await #expect(throws: CutoverDecisionUnavailable.self) { try await source.prepare(Self.trigger) }
        let nowhere = ExternalCutoverDecision(say: { _ in })
        do {
            _ = try await nowhere.prepare(Self.trigger)
            Issue.record("prepared without a file or a port")
        } catch {
            #expect(error.reason.contains("--cutover-file or --cutover-port"))
        }
    }

    @Test func aPostToTheLoopbackPortDecidesOnlyWhileTheRunWaits() async throws {
        let said = Said()
        let source = ExternalCutoverDecision(port: 0, say: said.say)
        let how = try await source.prepare(Self.trigger)
        let port = try #require(await source.port)
        let url = "http://127.0.0.1:\(port)/cutover"
        #expect(how.contains(url))

        // Before the question: refused, it decides nothing.
        let early = try await Self.post(url, #"{"decision": "go"}"#)
        #expect(early.status == 409)
        #expect(early.bodyText.contains("not waiting for a decision yet"))

        let waiting = Task { try await source.decide(Self.question()) }
        // The URL is printed while it waits; posting once it is.
        while !said.text.contains(url) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await Self.post(url, "yes please").status == 400)
        #expect(try await Self.post("http://127.0.0.1:\(port)/other", "go").status == 404)
        #expect(try await Self.post(url, nil, method: "GET").status == 405)
        let accepted = try await Self.post(url, #"{"decision": "go", "by": "chatops-bot"}"#)
        #expect(accepted.status == 200, "\(accepted.bodyText)")
        let decision = try await waiting.value
        #expect(decision == CutoverDecision(go: true, decidedBy: .external, via: "POST \(url)", who: "chatops-bot"))
        #expect(try await Self.post(url, "abort").status == 409)

        await source.close()
        // The port is free again.
        let after = try? await Self.post(url, "go")
        #expect(after == nil)
    }

    @Test func aPortInUseIsRefusedInPreflight() async throws {
        let first = ExternalCutoverDecision(port: 0, say: { _ in })
        _ = try await first.prepare(Self.trigger)
        let port = try #require(await first.port)
        let second = ExternalCutoverDecision(port: port, say: { _ in })
        do {
            _ = try await second.prepare(Self.trigger)
            Issue.record("two listeners on one port")
        } catch {
            #expect(error.reason.contains("cannot listen on 127.0.0.1:\(port)"))
        }
        await first.close()
    }

    @Test func cancellingTheWaitEndsIt() async throws {
        let source = ExternalCutoverDecision(port: 0, say: { _ in })
        _ = try await source.prepare(Self.trigger)
        let waiting = Task { try await source.decide(Self.question()) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await source.close()
    }
}
