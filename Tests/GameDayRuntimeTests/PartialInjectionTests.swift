import GameDayCore
import Testing

@testable import GameDayRuntime

/// What a fault on many places comes to when some could not be hit (`on_partial`): the one
/// policy every driver on many hosts or pods settles by.
@Suite struct PartialInjectionTests {
    static func hit(_ host: String) -> Result<HostFault, FaultError> {
        .success(HostFault(host: host, pids: [42], effect: "SIGKILL sent to 42; gone"))
    }

    static func missed(_ host: String, _ why: String) -> Result<HostFault, FaultError> {
        .failure(FaultError("\(host): \(why)"))
    }

    static func settle(
        _ policy: PartialInjection, _ outcomes: [Result<HostFault, FaultError>], failures: [String] = []
    ) throws(FaultError) -> AppliedFault {
        let fault = SSHProcessFaultDriverTests.fault(policy)
        let plan = FaultPlan(
            name: fault.name, kind: "kill-process", unit: "beijing", service: "product", executor: "ssh",
            locate: "", apply: [], revert: [], proof: "")
        return try PartialInjection.settle(
            fault, outcomes, failures: failures, of: outcomes.count + failures.count, places: "host(s)"
        ) { hit in
            AppliedFault(
                spec: fault, plan: plan, pids: hit.flatMap(\.pids), commands: [], effect: "SIGKILL on \(hit.count)")
        }
    }

    @Test func everyPlaceHitIsTheFaultWhateverThePolicy() throws {
        for policy in [PartialInjection.abort, .continue] {
            let applied = try Self.settle(policy, [Self.hit("h0"), Self.hit("h1")])
            #expect(applied.hosts.map(\.host) == ["h0", "h1"])
            #expect(applied.effect == "SIGKILL on 2")
        }
    }

    @Test func withAbortAPartialInjectionFailsAndNamesThePlacesNotHit() {
        let error = #expect(throws: FaultError.self) {
            try Self.settle(
                .abort, [Self.hit("h0"), Self.missed("h1", "host unreachable"), Self.hit("h2")],
                failures: ["h3: no running process matches pid file /run/p.pid"])
        }
        #expect(
            error?.message
                == "fault product-down applied on 2 of 4 host(s) only: h3: no running process matches pid file /run/p.pid; "
                + "h1: host unreachable; the rollback reverts it")
    }

    @Test func withContinueAPartialInjectionGoesOnAndSaysWhatWasNotHit() throws {
        let applied = try Self.settle(.continue, [Self.hit("h0"), Self.missed("h1", "host unreachable")])
        #expect(applied.hosts.map(\.host) == ["h0"])
        #expect(applied.effect == "SIGKILL on 1; PARTIAL, not hit: h1: host unreachable")
    }

    @Test func nothingHitFailsWhateverThePolicy() {
        for policy in [PartialInjection.abort, .continue] {
            let error = #expect(throws: FaultError.self) {
                try Self.settle(policy, [Self.missed("h0", "refused"), Self.missed("h1", "refused")])
            }
            #expect(error?.message.hasSuffix("; nothing was applied") == true, "\(String(describing: error))")
        }
    }
}
