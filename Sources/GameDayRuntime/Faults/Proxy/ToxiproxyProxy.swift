/// A proxy as Toxiproxy's API shows it:
/// `{"name":"product","listen":"127.0.0.1:9314","upstream":"127.0.0.1:9311","enabled":true,"toxics":[]}`.
public struct ToxiproxyProxy: Sendable, Hashable, Codable {
    public var name: String
    /// Where it listens, `host:port`.
    public var listen: String
    /// Where it forwards to, `host:port`.
    public var upstream: String
    /// False: it refuses connections and has closed the ones it had.
    public var enabled: Bool
    public var toxics: [ToxiproxyToxic]

    public init(name: String, listen: String, upstream: String, enabled: Bool = true, toxics: [ToxiproxyToxic] = []) {
        self.name = name
        self.listen = listen
        self.upstream = upstream
        self.enabled = enabled
        self.toxics = toxics
    }

    enum CodingKeys: String, CodingKey {
        case name, listen, upstream, enabled, toxics
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        listen = try c.decode(String.self, forKey: .listen)
        upstream = try c.decode(String.self, forKey: .upstream)
        enabled = try c.decode(Bool.self, forKey: .enabled)
        // Some Toxiproxy versions write `null` for a proxy without toxics.
        toxics = try c.decodeIfPresent([ToxiproxyToxic].self, forKey: .toxics) ?? []
    }
}
