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
            "rollback",
        ],
        required: ["drill", "probe", "users", "faults"])
    static let probe = MappingShape(
        ["interval", "timeout", "unit_header", "request", "success"], required: ["request"])
    static let success = MappingShape(["status", "headers", "body_contains"])
    static let request = MappingShape(["method", "url", "headers", "body"], required: ["url"])
    static let user = MappingShape(["id", "name", "home", "impact", "recovers_on"], required: ["id"])
    static let steadyState = MappingShape(["duration"])
    static let fault = MappingShape(
        ["name", "kind", "unit", "service", "signal", "restart"], required: ["name", "kind", "unit", "service"])
    static let observe = MappingShape(["duration", "timeout"])
    static let cutover = MappingShape(["request", "accept", "id_field", "poll"], required: ["request"])
    static let poll = MappingShape(
        ["request", "field", "done", "failed", "interval", "timeout"], required: ["request"])
    static let recovery = MappingShape(["rto", "window", "timeout"], required: ["rto"])
    static let window = MappingShape(["consecutive", "k", "n"])
    static let rollback = MappingShape(["cutback", "steady_state"])

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
    static let faultKinds = ["kill-process"]
}

/// Every mapping of the target format. `schemas/target.schema.json` says the same.
enum TargetFormat {
    static let top = MappingShape(
        ["target", "gateway", "control_plane", "routing", "units"],
        required: ["target", "gateway", "control_plane", "routing", "units"])
    static let gateway = MappingShape(["url"], required: ["url"])
    static let controlPlane = MappingShape(["url", "token"], required: ["url"])
    /// Exactly one of them is given.
    static let token = MappingShape(["env", "file"])
    static let routing = MappingShape(["key", "modulo", "ranges", "overrides"], required: ["ranges"])
    static let range = MappingShape(["from", "to", "unit"], required: ["from", "to", "unit"])
    static let unit = MappingShape(["services"])
    static let service = MappingShape(["process", "restart", "health"])
    /// Exactly one of them is given.
    static let process = MappingShape(["pid_file", "name", "cmdline", "port"])
}
