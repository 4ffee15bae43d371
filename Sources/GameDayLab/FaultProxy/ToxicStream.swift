/// Which way through a proxy a toxic acts: `upstream` is client → server (requests),
/// `downstream` server → client (responses), Toxiproxy's default.
enum ToxicStream: String, Sendable, Hashable, Codable, CaseIterable {
    case upstream
    case downstream
}
