import Foundation
import GameDayCore

/// Prepares proxy faults for the unit's fault proxy (Toxiproxy's HTTP API: the lab's own
/// proxy or a real Toxiproxy): a toxic on one proxy, or the proxy disabled.
public struct ProxyFaultDriver: FaultDriver {
    public let runId: String
    public var transport: any HTTPTransport

    public init(runId: String, transport: any HTTPTransport = CurlHTTPClient()) {
        self.runId = runId
        self.transport = transport
    }

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        let url = target.unit(named: fault.unit)?.proxyURL ?? "<no fault proxy>"
        guard case .proxy(let spec) = fault.action else {
            return FaultPlan(
                name: fault.name, kind: fault.action.kind, unit: fault.unit, service: fault.service, executor: url,
                locate: "-", apply: [], revert: [], proof: "not a proxy fault")
        }
        let toxicName = toxicName(fault)
        let apply: [String]
        let revert: [String]
        switch spec.toxic {
        case .down:
            apply = ["POST", "\(url)/proxies/\(spec.proxy)", #"{"enabled":false}"#]
            revert = ["POST", "\(url)/proxies/\(spec.proxy)", #"{"enabled":true}"#]
        default:
            apply = ["POST", "\(url)/proxies/\(spec.proxy)/toxics", Self.body(of: toxic(spec, name: toxicName))]
            revert = ["DELETE", "\(url)/proxies/\(spec.proxy)/toxics/\(toxicName)"]
        }
        return FaultPlan(
            name: fault.name, kind: "proxy", unit: fault.unit, service: fault.service, executor: "toxiproxy \(url)",
            locate: "proxy \(spec.proxy)", apply: [apply], revert: [revert],
            proof: spec.toxic == .down ? "the proxy reads back disabled" : "the toxic reads back on the proxy")
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        try await ready(fault, in: target).found
    }

    public func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        try await ready(fault, in: target)
    }

    /// Reads the proxy (refusing one that carries the runner's own traffic); the revert removes
    /// the run's toxic, or enables the proxy again, and reads the proxy back.
    func ready(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> ReadyFault {
        let (client, spec) = try resolve(fault, target)
        let found = try await look(at: client, spec, fault, target)
        let toxic = spec.toxic == .down ? nil : toxicName(fault)
        return ReadyFault(
            spec: fault, plan: plan(fault, in: target), found: found,
            recipe: RevertRecipe(executor: "local", steps: [.proxy(url: client.url, proxy: spec.proxy, toxic: toxic)])
        ) { [self] moment async throws(FaultError) in
            try await apply(fault, client, spec, plan: plan(fault, in: target), moment: moment)
        }
    }

    private func look(
        at client: ToxiproxyClient, _ spec: ProxyFaultSpec, _ fault: FaultSpec, _ target: Target
    ) async throws(FaultError) -> String {
        do {
            let proxy = try await client.proxy(named: spec.proxy)
            for channel in RunnerChannel.of(target) {
                let address = "\(channel.host):\(channel.port)"
                if proxy.upstream == address || proxy.listen == address {
                    throw FaultError(
                        "fault \(fault.name) would slow or cut proxy \(proxy.name), which carries \(channel.label): the runner would cut itself off"
                    )
                }
            }
            return "proxy \(proxy.name) (\(proxy.listen) → \(proxy.upstream)) at \(client.url)"
        } catch let error as FaultError {
            throw error
        } catch {
            throw FaultError((error as? ToxiproxyError)?.localizedDescription ?? "\(error)")
        }
    }

    private func apply(
        _ fault: FaultSpec, _ client: ToxiproxyClient, _ spec: ProxyFaultSpec, plan: FaultPlan, moment: FaultMoment
    ) async throws(FaultError) -> AppliedFault {
        do {
            switch spec.toxic {
            case .down:
                let proxy = try await moment.effect { () async throws(ToxiproxyError) in
                    try await client.setEnabled(false, proxy: spec.proxy)
                }
                guard !proxy.enabled else { throw FaultError("proxy \(spec.proxy) still reads back enabled") }
                return AppliedFault(
                    spec: fault, plan: plan, pids: [], commands: plan.apply,
                    effect: "proxy \(spec.proxy) disabled: connections to \(proxy.listen) are refused")
            default:
                let toxic = toxic(spec, name: toxicName(fault))
                let added = try await moment.effect { () async throws(ToxiproxyError) in
                    try await client.addToxic(toxic, to: spec.proxy)
                }
                let proxy = try await client.proxy(named: spec.proxy)
                guard proxy.toxics.contains(where: { $0.name == added.name }) else {
                    throw FaultError("the toxic \(added.name) does not read back on proxy \(spec.proxy)")
                }
                let attributes = added.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                return AppliedFault(
                    spec: fault, plan: plan, pids: [], commands: plan.apply,
                    effect:
                        "\(added.type) toxic on proxy \(spec.proxy) (\(attributes.joined(separator: ", ")), \(added.stream.rawValue))"
                )
            }
        } catch let error as FaultError {
            throw error
        } catch {
            throw FaultError((error as? ToxiproxyError)?.localizedDescription ?? "\(error)")
        }
    }

    /// Removes toxic `toxic` from `proxy`, or enables the proxy again when `toxic` is nil, and reads
    /// it back: a revert that reports success while the latency stays is the worst kind. A toxic
    /// already gone is fine. The ledger's `.proxy` step.
    static func undo(
        _ client: ToxiproxyClient, proxy name: String, toxic: String?
    ) async throws(FaultError) -> String {
        guard let toxic else {
            let proxy: ToxiproxyProxy
            do {
                proxy = try await client.setEnabled(true, proxy: name)
            } catch {
                throw FaultError(error.localizedDescription)
            }
            guard proxy.enabled else { throw FaultError("proxy \(name) still reads back disabled") }
            return "proxy \(name) enabled again"
        }
        var note = "toxic \(toxic) removed from proxy \(name)"
        do {
            try await client.removeToxic(named: toxic, from: name)
        } catch {
            guard case .toxicNotFound = error else { throw FaultError(error.localizedDescription) }
            note = "the toxic was gone already"
        }
        let remaining: [ToxiproxyToxic]
        do {
            remaining = try await client.proxy(named: name).toxics
        } catch {
            throw FaultError(error.localizedDescription)
        }
        guard !remaining.contains(where: { $0.name == toxic }) else {
            throw FaultError("toxic \(toxic) still reads back on proxy \(name) after its removal")
        }
        return note
    }

    // MARK: - Helpers

    private func resolve(_ fault: FaultSpec, _ target: Target) throws(FaultError) -> (ToxiproxyClient, ProxyFaultSpec) {
        guard case .proxy(let spec) = fault.action else {
            throw FaultError("fault \(fault.name) is a \(fault.action.kind) fault, not a proxy fault")
        }
        guard let url = target.unit(named: fault.unit)?.proxyURL else {
            throw FaultError("unit \(fault.unit) of target \(target.name) has no fault proxy (proxy: { url: ... })")
        }
        return (ToxiproxyClient(url: url, transport: transport), spec)
    }

    /// Named after the run, so a toxic left behind tells which run it belongs to.
    private func toxicName(_ fault: FaultSpec) -> String { "gameday-\(runId)-\(fault.name)" }

    private func toxic(_ spec: ProxyFaultSpec, name: String) -> ToxiproxyToxic {
        let stream: ToxiproxyToxic.Stream = spec.stream == .upstream ? .upstream : .downstream
        switch spec.toxic {
        case .latency(let latency, let jitter):
            return .latency(latency, jitter: jitter, name: name, stream: stream, toxicity: spec.toxicity)
        case .timeout(let timeout):
            return .timeout(timeout, name: name, stream: stream, toxicity: spec.toxicity)
        case .bandwidth(let rate):
            return .bandwidth(kilobytesPerSecond: Int64(rate), name: name, stream: stream, toxicity: spec.toxicity)
        case .resetPeer(let timeout):
            return .resetPeer(after: timeout, name: name, stream: stream, toxicity: spec.toxicity)
        case .down:
            return ToxiproxyToxic(name: name, type: "down")
        }
    }

    static func body(of toxic: ToxiproxyToxic) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(toxic)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
