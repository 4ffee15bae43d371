import Foundation
import GameDayCore

/// What the runner itself talks through, which no fault may cut: the control plane (the cut-over
/// and the cut-back) and the gateway its probes go through. Each driver refuses a fault on one in
/// its own terms (a process listening on its port, a port block that covers it, a proxy that
/// carries it), and adds SSH, which it knows best.
struct RunnerChannel: Sendable, Equatable {
    var label: String
    var host: String
    var port: Int

    /// The target's channels, from its URLs (the port the scheme implies when none is written).
    static func of(_ target: Target) -> [RunnerChannel] {
        [("the control plane", target.controlPlane.url), ("the gateway (the probe path)", target.gatewayURL)]
            .compactMap { label, url in
                guard let parsed = URL(string: url), let host = parsed.host else { return nil }
                return RunnerChannel(
                    label: label, host: host, port: parsed.port ?? (parsed.scheme == "https" ? 443 : 80))
            }
    }

    /// Whether the channel ends on this host (a process here can carry it).
    var isThisHost: Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }
}
