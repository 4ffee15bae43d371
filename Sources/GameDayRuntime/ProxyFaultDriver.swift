import Foundation
import GameDayCore

/// Applies proxy faults through the unit's fault proxy (Toxiproxy's HTTP API: the lab's own
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
        let (client, spec) = try resolve(fault, target)
        do {
            let proxy = try await client.proxy(named: spec.proxy)
            for (label, url) in [
                ("the control plane", target.controlPlane.url), ("the gateway (the probe path)", target.gatewayURL),
            ] {
                guard let parsed = URL(string: url), let host = parsed.host, let port = parsed.port else { continue }
                if proxy.upstream == "\(host):\(port)" || proxy.listen == "\(host):\(port)" {
                    throw FaultError(
                        "fault \(fault.name) would slow or cut proxy \(proxy.name), which carries \(label): the runner would cut itself off"
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

    public func recipe(for fault: FaultSpec, in target: Target) async throws(FaultError) -> RevertRecipe {
        let (client, spec) = try resolve(fault, target)
        let step: RevertRecipe.Step =
            switch spec.toxic {
            case .down:
                .http(
                    method: "POST", url: "\(client.url)/proxies/\(spec.proxy)", body: #"{"enabled":true}"#,
                    okStatuses: [200])
            default:
                // 404: the toxic is gone already (removed by the run, or the proxy restarted).
                .http(
                    method: "DELETE", url: "\(client.url)/proxies/\(spec.proxy)/toxics/\(toxicName(fault))", body: nil,
                    okStatuses: [200, 204, 404])
            }
        return RevertRecipe(executor: "local", steps: [step])
    }

    public func apply(_ fault: FaultSpec, in target: Target, moment: FaultMoment) async throws(FaultError)
        -> AppliedFault
    {
        let (client, spec) = try resolve(fault, target)
        let plan = plan(fault, in: target)
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

    public func revert(_ applied: AppliedFault, in target: Target) async throws(FaultError) -> String {
        let (client, spec) = try resolve(applied.spec, target)
        if case .down = spec.toxic {
            let proxy: ToxiproxyProxy
            do {
                proxy = try await client.setEnabled(true, proxy: spec.proxy)
            } catch {
                throw FaultError(error.localizedDescription)
            }
            guard proxy.enabled else { throw FaultError("proxy \(spec.proxy) still reads back disabled") }
            return "proxy \(spec.proxy) enabled again"
        }
        let name = toxicName(applied.spec)
        var note = "toxic \(name) removed from proxy \(spec.proxy)"
        do {
            try await client.removeToxic(named: name, from: spec.proxy)
        } catch {
            guard case .toxicNotFound = error else { throw FaultError(error.localizedDescription) }
            note = "the toxic was gone already"
        }
        // A revert that reports success while the latency stays is the worst kind: read it back.
        let remaining: [ToxiproxyToxic]
        do {
            remaining = try await client.proxy(named: spec.proxy).toxics
        } catch {
            throw FaultError(error.localizedDescription)
        }
        guard !remaining.contains(where: { $0.name == name }) else {
            throw FaultError("toxic \(name) still reads back on proxy \(spec.proxy) after its removal")
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
