import GameDayCore
import GameDayTestSupport
import Testing

/// RPO by canaries: what counts as lost, and the RPO as the design defines it.
@Suite struct RPOTests {
    /// Canaries every 100 ms from 0; acknowledged at +5 ms unless refused.
    static func writes(_ pattern: String) -> [CanaryWrite] {
        pattern.enumerated().map { index, mark in
            let sent = Duration.milliseconds(100 * index)
            return CanaryWrite(
                seq: index + 1, sentAt: sent, answeredAt: sent + .milliseconds(5),
                status: mark == "a" ? 201 : mark == "b" ? 423 : 503, unit: "beijing", acked: mark == "a",
                blocked: mark == "b")
        }
    }

    @Test func nothingLostIsAnRPOOfZero() {
        let record = RPORecord.measure(
            writes: ["6000": Self.writes("aaaaxxbbaa")], present: ["6000": .success([1, 2, 3, 4, 9, 10])],
            fault: .milliseconds(420), goal: .zero, readAt: .seconds(3))
        #expect(record.lost == 0)
        #expect(record.observedMs == 0)
        #expect(record.met)
        #expect(record.acked == 6)
        #expect(record.ackedBeforeFault == 4)
        #expect(record.blocked == 2)
        #expect(record.writeBlockedFromMs == 600)
        #expect(record.writeBlockedToMs == 705)
        #expect(record.writeBlockedMs == 105)
    }

    @Test func lostWritesMeasureFromTheLastSurvivorToTheFault() throws {
        // Canaries 3 and 4 (acknowledged at 205 and 305 ms) never reached the new unit; 2 did (105 ms).
        let record = RPORecord.measure(
            writes: ["6000": Self.writes("aaaaxxaa")], present: ["6000": .success([1, 2, 7, 8])],
            fault: .milliseconds(350), goal: .zero, readAt: .seconds(3))
        #expect(record.lost == 2)
        #expect(record.lostCanaries.map(\.seq) == [3, 4])
        #expect(record.lostCanaries.map(\.ackedMs) == [205, 305])
        #expect(try #require(record.observedMs) == 245)
        #expect(!record.met)
    }

    @Test func aWriteLostAfterTheFaultMarkStretchesTheRPOToItsAcknowledgement() throws {
        // The fault was marked at 150 ms but landed later: canary 4 (acknowledged at 305 ms) was lost.
        let record = RPORecord.measure(
            writes: ["6000": Self.writes("aaaa")], present: ["6000": .success([1, 2, 3])], fault: .milliseconds(150),
            goal: .zero, readAt: .seconds(3))
        #expect(record.lost == 1)
        #expect(try #require(record.observedMs) == 100)
    }

    @Test func aGoalAboveTheObservedRPOPassesDespiteLosses() {
        let record = RPORecord.measure(
            writes: ["6000": Self.writes("aaaa")], present: ["6000": .success([1, 2, 3])], fault: .milliseconds(350),
            goal: .seconds(1), readAt: .seconds(3))
        #expect(record.lost == 1)
        #expect(record.met)
    }

    @Test func aFailedReadBackIsNoMeasurement() {
        let record = RPORecord.measure(
            writes: ["6000": Self.writes("aa")], present: ["6000": .failure(CanaryReadError("HTTP 502"))],
            fault: .milliseconds(350), goal: .zero, readAt: .seconds(3))
        #expect(record.observedMs == nil)
        #expect(!record.met)
        #expect(record.readErrors == ["user 6000: HTTP 502"])
    }

    @Test func theVerdictSaysWhatWasLostAndWhy() {
        let lossy = RPORecord.measure(
            writes: ["6000": Self.writes("aaaabb")], present: ["6000": .success([1, 2])], fault: .milliseconds(350),
            goal: .seconds(1), readAt: .seconds(3))
        let verdict = lossy.verdict
        #expect(verdict.status == .pass)
        #expect(
            verdict.message
                == "4 acknowledged canaries, 2 lost (user 6000; acknowledged from +205ms to +305ms); RPO 245ms against a goal of 1s; writes blocked for 105ms (2 refused)"
        )

        let nothingBefore = RPORecord.measure(
            writes: ["6000": Self.writes("xxaa")], present: ["6000": .success([3, 4])], fault: .milliseconds(100),
            goal: .zero, readAt: .seconds(3))
        #expect(nothingBefore.verdict.status == .fail)
        #expect(nothingBefore.verdict.message.hasPrefix("no canary was acknowledged before the fault"))

        let unread = RPORecord.measure(
            writes: ["6000": Self.writes("aa")], present: ["6000": .failure(CanaryReadError("HTTP 502"))],
            fault: .milliseconds(350), goal: .zero, readAt: .seconds(3))
        #expect(unread.verdict.message == "the canaries could not be read back: user 6000: HTTP 502")
    }

    @Test func canaryWritesNameTheUnitWhereTheProbesReadIt() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.unitInHeader = false }
        let spec = CanarySpec(
            write: RequestTemplate(method: "POST", url: "{{gateway.url}}/orders?userId={{user.id}}"),
            read: RequestTemplate(url: "{{gateway.url}}/orders?userId={{user.id}}"))
        let context = TemplateContext(values: ["gateway.url": FakeStorefront.gateway], environment: { _ in nil })
        func writes(_ source: UnitSource) async -> [CanaryWrite] {
            let sent = storefront.state.withLock { $0.requests.count }
            let writer = CanaryWriter(
                spec, users: [TestUser(id: 6000)], transport: storefront, context: context, unitFrom: source,
                timeout: .seconds(1), clock: InstantClock())
            while storefront.state.withLock({ $0.requests.count }) < sent + 3 { await Task.yield() }
            return await writer.stop()["6000"] ?? []
        }
        let fromBody = await writes(.body(try JSONPointer("/unit")))
        #expect(fromBody.count >= 3)
        #expect(fromBody.allSatisfy { $0.unit == "beijing" && $0.status == 200 }, "\(fromBody)")
        let fromHeader = await writes(.standard)
        #expect(fromHeader.count >= 3)
        #expect(fromHeader.allSatisfy { $0.unit == nil && $0.status == 200 }, "no X-Unit: \(fromHeader)")
    }

    @Test func theLoaderReadsRPOWithDefaultsAndChecksItsUsers() throws {
        let base = """
            drill: d
            probe: { request: { url: "{{gateway.url}}/s?u={{user.id}}" } }
            users:
              - { id: 6000, home: beijing, impact: fail, recovers_on: hangzhou }
              - { id: 50, home: hangzhou }
            faults: [{ name: f, kind: kill-process, unit: beijing, service: order }]
            cutover: { request: { method: POST, url: "{{control_plane.url}}/v1/cutovers" } }
            recovery: { rto: 5s }

            """
        let rpo = """
            rpo:
              write:
                request: { method: POST, url: "{{gateway.url}}/orders?userId={{user.id}}", body: { seq: "{{canary.seq}}" } }
                ack: 201
              read: { request: { url: "{{gateway.url}}/orders?userId={{user.id}}" } }

            """
        let drill = try DrillLoader.parseDrill(yaml: base + rpo, file: "d.yaml")
        let spec = try #require(drill.rpo)
        #expect(spec.ack == [201])
        #expect(spec.blocked == [423])
        #expect(spec.field == "seqs")
        #expect(spec.grace == .seconds(1))
        #expect(drill.canaryUsers.map(\.id) == ["6000"])

        let stranger = base + rpo + "  users: [7]\n"
        #expect {
            try DrillLoader.parseDrill(yaml: stranger, file: "d.yaml")
        } throws: { error in
            "\(error)".contains("'rpo.users' names user 7, which 'users' does not list")
        }
    }
}
