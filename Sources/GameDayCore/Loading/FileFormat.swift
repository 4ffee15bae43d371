/// The keys one mapping of a drill or target file allows, and those it requires.
struct MappingShape: Sendable {
    let keys: [String]
    let required: [String]

    init(_ keys: [String], required: [String] = []) {
        self.keys = keys
        self.required = required
    }
}

/// Every mapping of the drill format, and its closed sets of values.
/// `schemas/drill.schema.json` says the same; `SchemaMirrorTests` compares them.
enum DrillFormat {
    static let top = MappingShape(
        [
            "drill", "description", "probe", "users", "steady_state", "faults", "observe", "cutover", "recovery",
            "rollback", "guardrail", "rpo", "checks", "hooks",
        ],
        required: ["drill", "probe", "users", "faults"])
    static let probe = MappingShape(
        ["interval", "focus_interval", "timeout", "unit_header", "unit_from", "max_in_flight", "request", "success"],
        required: ["request"])
    /// `probe.unit_from`: `header` or `body`, exactly one.
    static let unitFrom = MappingShape(["header", "body"])
    static let success = MappingShape(["status", "headers", "body_contains"])
    static let request = MappingShape(["method", "url", "headers", "body"], required: ["url"])
    /// A user (`id`) or a generated group of users (`generate` and `unit`).
    static let user = MappingShape([
        "id", "name", "home", "impact", "recovers_on", "group", "generate", "unit", "per", "key_prefix",
    ])
    static let steadyState = MappingShape(["duration"])
    /// Every key of any fault kind; `faultKindShapes` says which kinds each belongs to.
    static let fault = MappingShape(
        [
            "name", "kind", "unit", "service",
            "signal", "restart", "hosts", "pods", "on_partial",
            "direction", "protocol", "ports", "peer", "backend",
            "interface", "delay", "jitter", "loss", "match", "replace_root", "reorder",
            "rate", "burst", "latency",
            "proxy", "toxic", "timeout", "stream", "toxicity",
        ],
        required: ["name", "kind", "unit"])
    /// `match:` of a latency fault; at least one of them is given.
    static let trafficMatch = MappingShape(["port", "address"])
    static let observe = MappingShape(["duration", "timeout"])
    /// The short form (one `request` or `command`) or `steps`; exactly one of the three is given.
    /// `trigger*` only in `cutover:`, never in `rollback.cutback:`.
    static let cutover = MappingShape([
        "request", "command", "accept", "id_field", "poll", "timeout", "steps", "moves",
        "trigger", "trigger_timeout", "trigger_file", "trigger_port",
    ])
    /// The keys of `cutover:` that say who decides it starts.
    static let cutoverTriggerKeys = ["trigger", "trigger_timeout", "trigger_file", "trigger_port"]
    /// One of `steps:`; `request` or `command`, exactly one.
    static let cutoverStep = MappingShape(
        ["name", "request", "command", "accept", "id_field", "poll", "timeout", "undo"], required: ["name"])
    /// `undo:` of a step; `request` or `command`, exactly one.
    static let cutoverUndo = MappingShape(["request", "command", "accept", "id_field", "poll", "timeout"])
    /// `request` or `command`, exactly one.
    static let poll = MappingShape(["request", "command", "field", "done", "failed", "running", "interval", "timeout"])
    /// The keys of the short form that belong in a step when `steps` is given.
    static let cutoverActionKeys = ["request", "command", "accept", "id_field", "poll", "timeout"]
    static let recovery = MappingShape(["rto", "window", "timeout"], required: ["rto"])
    static let window = MappingShape(["consecutive", "k", "n"])
    static let rollback = MappingShape(["cutback", "steady_state"])
    static let rpo = MappingShape(
        ["goal", "interval", "grace", "users", "write", "read"], required: ["write", "read"])
    /// One entry of `checks:`.
    static let check = MappingShape(
        ["name", "query", "expect", "phase", "every", "window", "on_no_data"],
        required: ["name", "query", "expect", "phase"])
    static let canaryWrite = MappingShape(["request", "ack", "blocked"], required: ["request"])
    static let canaryRead = MappingShape(["request", "field"], required: ["request"])

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]

    // MARK: - Fault kinds

    /// The keys every fault takes, whatever its kind.
    static let faultCommonKeys = ["name", "kind", "unit", "service"]

    /// Each kind, with the keys it takes besides the common ones and those it requires.
    static let faultKindShapes: [(kind: String, shape: MappingShape)] = [
        ("kill-process", MappingShape(["signal", "restart", "hosts", "pods", "on_partial"], required: ["service"])),
        ("pause-process", MappingShape(["hosts", "pods", "on_partial"], required: ["service"])),
        // `hosts`, `pods` and `on_partial` choose among a unit's SSH hosts or a service's pods.
        (
            "block-port",
            MappingShape(["direction", "protocol", "ports", "peer", "backend", "hosts", "pods", "on_partial"])
        ),
        (
            "latency",
            MappingShape([
                "interface", "delay", "jitter", "loss", "match", "replace_root", "hosts", "on_partial", "backend",
                "direction", "protocol", "ports", "peer", "reorder",
            ])
        ),
        (
            "bandwidth",
            MappingShape(
                ["interface", "rate", "burst", "latency", "replace_root", "hosts", "on_partial"],
                required: ["interface", "rate"])
        ),
        (
            "proxy",
            MappingShape(
                ["proxy", "toxic", "latency", "jitter", "timeout", "rate", "stream", "toxicity"],
                required: ["proxy", "toxic"])
        ),
    ]
    static let faultKinds = faultKindShapes.map(\.kind)

    /// The keys of a proxy fault every toxic takes.
    static let proxyCommonKeys = ["proxy", "toxic", "stream", "toxicity"]

    /// Each toxic of a proxy fault, with the keys it takes besides the common ones and those it requires.
    static let toxicShapes: [(toxic: String, shape: MappingShape)] = [
        ("latency", MappingShape(["latency", "jitter"], required: ["latency"])),
        ("timeout", MappingShape(["timeout"], required: ["timeout"])),
        ("bandwidth", MappingShape(["rate"], required: ["rate"])),
        ("reset_peer", MappingShape(["timeout"])),
        ("down", MappingShape([])),
    ]
    static let toxics = toxicShapes.map(\.toxic)

    // MARK: - tc quantities

    /// Units of `rate:` in a bandwidth fault, as `tc` spells them (`bps` is bytes per second).
    static let rateUnits = ["bit", "kbit", "mbit", "gbit", "tbit", "bps", "kbps", "mbps", "gbps", "tbps"]
    /// Units of `burst:` in a bandwidth fault, as `tc` spells them (`b`, `kb`, `mb` are bytes).
    static let sizeUnits = ["b", "kb", "k", "mb", "m", "kbit", "mbit", "gbit", "bit"]
    /// Bits per second in one of each `rateUnits`: tc's rates count in thousands.
    static let bitsPerSecond: [String: Double] = [
        "bit": 1, "kbit": 1e3, "mbit": 1e6, "gbit": 1e9, "tbit": 1e12,
        "bps": 8, "kbps": 8e3, "mbps": 8e6, "gbps": 8e9, "tbps": 8e12,
    ]
    /// Bytes in one of each `sizeUnits`: tc's sizes count in 1024s.
    static let bytes: [String: Double] = [
        "b": 1, "kb": 1024, "k": 1024, "mb": 1024 * 1024, "m": 1024 * 1024,
        "kbit": 1024 / 8, "mbit": 1024 * 1024 / 8, "gbit": 1024 * 1024 * 1024 / 8, "bit": 1.0 / 8,
    ]
}

/// Every mapping of the target format. `schemas/target.schema.json` says the same.
enum TargetFormat {
    static let top = MappingShape(
        ["target", "gateway", "control_plane", "routing", "units", "prometheus", "notify", "hooks"],
        required: ["target", "gateway", "control_plane", "routing", "units"])
    static let prometheus = MappingShape(["url", "token", "basic_auth", "timeout"], required: ["url"])
    static let basicAuth = MappingShape(["username", "password"], required: ["username", "password"])
    /// One of `notify:`; its `url` is a URL or a secret (`TargetFormat.token`'s shape).
    static let webhook = MappingShape(["url", "format"], required: ["url"])
    static let gateway = MappingShape(["url"], required: ["url"])
    static let controlPlane = MappingShape(["url", "token", "check"], required: ["url"])
    /// Exactly one of them is given.
    static let token = MappingShape(["env", "file"])
    static let routing = MappingShape([
        "key", "model", "hash", "modulo", "ranges", "fences", "rules", "default", "shards", "overrides", "sample",
    ])
    static let range = MappingShape(["from", "to", "unit", "shard"], required: ["from", "to"])
    static let fence = MappingShape(["name", "polygon", "unit"], required: ["name", "polygon"])
    static let matchRule = MappingShape(["match", "prefix", "suffix", "unit", "shard"])
    static let destination = MappingShape(["unit", "shard"])
    static let unit = MappingShape(["services", "netns", "proxy", "ssh", "kubernetes"])
    /// `kubernetes:` of a unit: how its pods are reached.
    static let kubernetes = MappingShape(
        ["namespace", "context", "kubeconfig", "kubectl", "tools_image", "debug_image"], required: ["namespace"])
    /// `pods:` of a service.
    static let pods = MappingShape(["selector", "container"], required: ["selector", "container"])
    /// `ssh:` of a unit: how its hosts are reached.
    static let ssh = MappingShape(
        ["user", "port", "identity_file", "known_hosts", "host_key_checking", "connect_timeout", "gameday"])
    /// `proxy:` of a unit: its fault proxy's admin API.
    static let proxy = MappingShape(["url"], required: ["url"])
    static let service = MappingShape(["process", "restart", "health", "health_timeout", "port", "hosts", "pods"])
    /// Exactly one of them is given.
    static let process = MappingShape(["pid_file", "name", "cmdline", "port"])
}
