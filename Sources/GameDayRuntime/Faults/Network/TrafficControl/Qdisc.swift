import Foundation
import GameDayCore

/// One queueing discipline as `tc -j qdisc show` reports it.
public struct Qdisc: Sendable, Hashable, Codable, CustomStringConvertible {
    public var kind: String
    /// `d711:`, or `0:` for a default qdisc the kernel attached by itself.
    public var handle: String
    /// `d711:3` for a child; `nil` for the root.
    public var parent: String?
    public var isRoot: Bool
    /// The kind's options exactly as reported (`{"rate":12500,"burst":16384,"lat":50000}` for tbf).
    public var options: [String: JSONValue]

    public init(kind: String, handle: String, parent: String? = nil, isRoot: Bool, options: [String: JSONValue] = [:]) {
        self.kind = kind
        self.handle = handle
        self.parent = parent
        self.isRoot = isRoot
        self.options = options
    }

    /// Reads one entry of `tc -j qdisc show`; `nil` when it lacks a kind or handle.
    init?(json: JSONValue) {
        guard let kind = json["kind"]?.string, let handle = json["handle"]?.string else { return nil }
        self.init(
            kind: kind, handle: handle, parent: json["parent"]?.string, isRoot: json["root"]?.bool ?? false,
            options: json["options"]?.object ?? [:])
    }

    /// Parses `tc -j qdisc show dev IF` output.
    public static func parseList(_ json: String) -> [Qdisc]? {
        // tc prints nothing at all (not `[]`) for a device with no qdiscs in some versions.
        if json.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [] }
        return JSONValue(parsing: json)?.array?.compactMap(Qdisc.init(json:))
    }

    /// Whether the kernel attached it by itself: only defaults carry handle `0:`.
    ///
    /// Every qdisc added with `tc` gets a non-zero handle (given, or 8001: onwards from the
    /// kernel), while the kernel's own defaults — noqueue on virtual devices, pfifo_fast,
    /// fq_codel or fq as `net.core.default_qdisc` says, mq on multi-queue NICs — have none.
    /// The handle is therefore a surer test than a list of kinds, which depends on a sysctl.
    public var isKernelDefault: Bool { handle == "0:" }

    /// Ingress and clsact sit beside the egress tree, not in it; gameday leaves them alone.
    var isIngress: Bool { kind == "ingress" || kind == "clsact" || parent == "ffff:fff1" }

    /// `htb 1: root {"default":"0x10","r2q":10}`: the configuration, without counters such as direct_packets_stat.
    public var description: String {
        let placement = isRoot ? "root" : "parent \(parent ?? "?")"
        let settings = options.filter { !QdiscRecipe.statistics.contains($0.key) }
        let options = settings.isEmpty ? "" : " \(JSONValue.object(settings))"
        return "\(kind) \(handle) \(placement)\(options)"
    }
}
