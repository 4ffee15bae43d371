/// A webhook told of a run's start, abort, cut-over and end: `notify:` of a target, or
/// `gameday run --notify URL`.
///
/// ```yaml
/// notify:
///   - url: { env: SLACK_WEBHOOK_URL }
///     format: slack
///   - url: https://hooks.example.com/gameday
/// ```
public struct Webhook: Sendable, Hashable {
    /// Where its URL comes from.
    public enum Address: Sendable, Hashable {
        /// Written out (in the target, or on the command line).
        case url(String)
        /// `url: { env: NAME }` or `{ file: PATH }`: the whole URL is a secret (Slack's are).
        case secret(SecretSource)
    }

    /// The body it is sent.
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        /// The generic JSON body: event, drill, target, run id, phase, outcome, RTO, archive, reason.
        case json
        /// `{"text": …, "blocks": […]}`, what a Slack (or Mattermost, Rocket.Chat) incoming webhook takes.
        case slack
    }

    public var address: Address
    public var format: Format
    public var location: SourceLocation?

    public init(address: Address, format: Format = .json, location: SourceLocation? = nil) {
        self.address = address
        self.format = format
        self.location = location
    }

    /// How it is shown in `plan`, on stderr and in `result.json`: never a secret. A secret URL is
    /// `***` with where it is read; a written-out one keeps its scheme, host and port only, as
    /// the path of a chat webhook is its credential.
    public var display: String {
        switch address {
        case .secret(.environment(let name)): "*** (env \(name))"
        case .secret(.file(let path)): "*** (file \(path))"
        case .url(let url): Self.redacted(url)
        }
    }

    /// `https://hooks.slack.com/services/T0/B0/XyZ` → `https://hooks.slack.com/***`.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "***" }
        let rest = url[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        // Credentials in the authority (user:password@host) are secrets too.
        let authority = rest[..<hostEnd].split(separator: "@").last.map(String.init) ?? ""
        let origin = url[..<schemeEnd.upperBound] + authority
        return hostEnd == rest.endIndex && !rest.contains("@") ? String(origin) : origin + "/***"
    }
}
