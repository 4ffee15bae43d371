import Foundation
import GameDayCore

/// What makes two target files the same system: where its control plane and its gateway are
/// reached. Not the file's path (two copies of a file drill the same system) and not the name (a
/// copy renamed still drills it; two teams' `staging` on different systems must not wait for each
/// other). URLs are compared with their scheme and host in lower case, the default port made
/// explicit, and no trailing slash, query, fragment or credentials.
public struct TargetIdentity: Sendable, Hashable {
    public let controlPlaneURL: String
    public let gatewayURL: String

    public init(controlPlaneURL: String, gatewayURL: String) {
        self.controlPlaneURL = Self.normalized(controlPlaneURL)
        self.gatewayURL = Self.normalized(gatewayURL)
    }

    public init(_ target: Target) { self.init(controlPlaneURL: target.controlPlane.url, gatewayURL: target.gatewayURL) }

    /// `control plane <url>, gateway <url>`, for messages.
    public var description: String { "control plane \(controlPlaneURL), gateway \(gatewayURL)" }

    /// The lock file's name: a stable hash of both URLs (FNV-1a, the same in every process,
    /// unlike `Hasher`); the file itself records the URLs for people.
    public var lockFileName: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(controlPlaneURL)\n\(gatewayURL)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return "target-" + String(hash, radix: 16).leftPadded(to: 16) + ".lock"
    }

    static func normalized(_ url: String) -> String {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        guard var components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else { return trimmed }
        components.scheme = scheme
        components.host = host
        components.port = components.port ?? ["http": 80, "https": 443][scheme]
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        while components.path.hasSuffix("/") { components.path.removeLast() }
        return components.string ?? trimmed
    }
}
