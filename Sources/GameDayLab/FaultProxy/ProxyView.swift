/// A proxy as the admin API shows it, Toxiproxy's shape:
/// `{"name":"product","listen":"127.0.0.1:9314","upstream":"127.0.0.1:9311","enabled":true,"toxics":[]}`.
struct ProxyView: Sendable, Hashable, Encodable {
    var name: String
    var listen: String
    var upstream: String
    var enabled: Bool
    var toxics: [Toxic]
}
