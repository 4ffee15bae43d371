/// Why a run's results cannot be written where it was asked to write them.
public struct ArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    public var place: String
    public var reason: String

    public init(place: String, reason: String) {
        self.place = place
        self.reason = reason
    }

    public var description: String { "cannot write under \(place): \(reason)" }
}
