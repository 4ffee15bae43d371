import Hummingbird

/// Checks `Authorization: Bearer <token>`.
enum BearerToken {
    static func isAuthorized(_ request: Request, token: String) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        let prefix = "Bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix(prefix.lowercased()) else { return false }
        return LabToken.matches(String(header.dropFirst(prefix.count)), token)
    }
}
