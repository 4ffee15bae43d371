import Foundation
import GameDayCore
import GameDayRuntime
import Synchronization

/// An in-memory two-unit storefront and control plane behind `HTTPTransport`,
/// for unit tests of the runner's logic. The lab is the real thing; this is not.
public final class FakeStorefront: HTTPTransport {
    public struct State: Sendable {
        public var brokenUnits: Set<String> = []
        public var overrides: [Int: String] = [:]
        public var cutovers = 0
        /// Statuses the control plane answers `POST /v1/cutovers` with; 202 when nil.
        public var cutoverStatus: Int?
        /// Body of the cut-over answer, when it should be something odd.
        public var cutoverBody: String?
        /// The state the status URL reports; "done" when nil.
        public var pollState: String?
        /// With `pollState`: after this many more polls the task is done (and 6000 moved), as a
        /// control plane's task that finishes in its own time.
        public var pollsUntilDone: Int?
        /// The control plane reports cut-overs done without moving anyone.
        public var ignoreCutovers = false
        /// The control plane takes a cut-over (6000 moves) but its answer never comes: a timeout.
        public var cutoverAnswerLost = false
        /// Users whose probes fail every other time (a flapping blast radius).
        public var flapping: Set<Int> = []
        public var flapCount = 0
        /// Users whose probes fail whatever their unit (to breach the blast radius).
        public var alwaysFailing: Set<Int> = []
        /// Answers name their unit in `X-Unit` as well as in the body's `"unit"`; false: in the body
        /// only, as the lab's `--unit-in body`.
        public var unitInHeader = true
        public var requests: [String] = []
        /// What the fake faults did (`apply product-down`, `revert product-down`), in order.
        public var faultCalls: [String] = []
    }

    public static let gateway = "http://gateway.test"
    public static let controlPlane = "http://control-plane.test"
    /// Where a fake fault's recipe mends its units: `POST /mend/<unit>[,<unit>…]/<fault>` (`?fail` to fail).
    public static let faults = "http://faults.test"
    public let state = Mutex(State())
    public let rule: RoutingRule

    public init(rule: RoutingRule = .storefront) { self.rule = rule }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        state.withLock { $0.requests.append("\(request.method) \(request.url)") }
        if request.method == "POST", request.url.hasSuffix("/v1/cutovers"), state.withLock({ $0.cutoverAnswerLost }) {
            _ = control(request)
            throw HTTPTransportError(kind: .timeout, message: "operation timed out (\(request.url))")
        }
        if request.url.hasPrefix(Self.gateway) { return probe(request) }
        if request.url.hasPrefix(Self.controlPlane) { return control(request) }
        if request.url.hasPrefix(Self.faults) { return mend(request) }
        throw HTTPTransportError(kind: .connectionRefused, message: "connection refused (\(request.url))")
    }

    private func probe(_ request: HTTPRequest) -> HTTPResponse {
        guard let idText = request.url.split(separator: "=").last, let id = Int(idText) else {
            return HTTPResponse(status: 400)
        }
        return state.withLock { state in
            let unit = state.overrides[id] ?? rule.unit(for: id) ?? "none"
            var flapped = false
            if state.flapping.contains(id), !state.brokenUnits.isEmpty {
                state.flapCount += 1
                flapped = state.flapCount % 2 == 0
            }
            let status = state.brokenUnits.contains(unit) || state.alwaysFailing.contains(id) || flapped ? 503 : 200
            return HTTPResponse(
                status: status, headers: state.unitInHeader ? [("X-Unit", unit)] : [],
                body: Array("{\"unit\":\"\(unit)\"}".utf8))
        }
    }

    /// A fake fault's revert, as its ledger recipe sends it.
    private func mend(_ request: HTTPRequest) -> HTTPResponse {
        let parts = request.url.dropFirst(Self.faults.count).split(separator: "?")
        let path = parts.first?.split(separator: "/").map(String.init) ?? []
        guard request.method == "POST", path.count == 3, path[0] == "mend" else { return HTTPResponse(status: 404) }
        return state.withLock { state in
            state.faultCalls.append("revert \(path[2])")
            if parts.count > 1 { return HTTPResponse(status: 500, body: Array("the fake fault would not revert".utf8)) }
            for unit in path[1].split(separator: ",") { state.brokenUnits.remove(String(unit)) }
            return HTTPResponse(status: 200)
        }
    }

    private func control(_ request: HTTPRequest) -> HTTPResponse {
        let path = String(request.url.dropFirst(Self.controlPlane.count))
        let authorised = request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer s3cret" }
        if path.hasPrefix("/v1"), !authorised {
            return HTTPResponse(status: 401, body: Array("{\"error\":\"unauthorized\"}".utf8))
        }
        return state.withLock { state in
            switch (request.method, path) {
            case ("POST", "/v1/cutovers"):
                if let status = state.cutoverStatus {
                    return HTTPResponse(status: status, body: Array((state.cutoverBody ?? "").utf8))
                }
                state.cutovers += 1
                if let body = state.cutoverBody { return HTTPResponse(status: 202, body: Array(body.utf8)) }
                if state.pollState == nil, !state.ignoreCutovers { state.overrides[6000] = "hangzhou" }
                return HTTPResponse(
                    status: 202, body: Array("{\"id\":\"c-\(state.cutovers)\",\"state\":\"accepted\"}".utf8))
            case ("POST", "/v1/cutback"):
                state.overrides = [:]
                return HTTPResponse(status: 202, body: Array("{\"id\":\"c-back\"}".utf8))
            case ("GET", let p) where p.hasPrefix("/v1/cutovers/"):
                if let left = state.pollsUntilDone {
                    state.pollsUntilDone = left - 1
                    if left <= 1 {
                        state.pollState = nil
                        state.pollsUntilDone = nil
                        if !state.ignoreCutovers { state.overrides[6000] = "hangzhou" }
                    }
                }
                return HTTPResponse(status: 200, body: Array("{\"state\":\"\(state.pollState ?? "done")\"}".utf8))
            default:
                return HTTPResponse(status: 200, body: Array("{}".utf8))
            }
        }
    }
}

/// Breaks units of a `FakeStorefront`, standing in for real faults; a fault's ledger recipe mends
/// its unit over the storefront's transport (`FakeStorefront.faults`), as a real recipe would.
public final class FakeFaultDriver: FaultDriver {
    public let storefront: FakeStorefront
    public let failApply: Bool
    public let failRevert: Bool
    /// How long the apply prepares (looks things up) before the effecting action.
    public let preparation: Duration

    public init(
        storefront: FakeStorefront, failApply: Bool = false, failRevert: Bool = false, preparation: Duration = .zero
    ) {
        self.storefront = storefront
        self.failApply = failApply
        self.failRevert = failRevert
        self.preparation = preparation
    }

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        FaultPlan(
            name: fault.name, kind: "kill-process", unit: fault.unit, service: fault.service, executor: "fake",
            locate: "fake", apply: [["break", fault.unit]], revert: [["mend", fault.unit]], proof: "fake")
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String { "found fake" }

    public func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        let mend = "\(FakeStorefront.faults)/mend/\(fault.unit)/\(fault.name)" + (failRevert ? "?fail" : "")
        let plan = plan(fault, in: target)
        return ReadyFault(
            spec: fault, plan: plan, found: "found fake",
            recipe: RevertRecipe(
                executor: "local", steps: [.http(method: "POST", url: mend, body: nil, okStatuses: [200])])
        ) { [self] moment async throws(FaultError) in
            storefront.state.withLock { $0.faultCalls.append("apply \(fault.name)") }
            if failApply { throw FaultError("the fake fault would not apply") }
            if preparation > .zero { try? await Task.sleep(for: preparation) }
            await moment.effect { _ = storefront.state.withLock { $0.brokenUnits.insert(fault.unit) } }
            return AppliedFault(
                spec: fault, plan: plan, pids: [42], commands: [["break", fault.unit]], effect: "broken")
        }
    }

    public var calls: [String] { storefront.state.withLock { $0.faultCalls } }
}
