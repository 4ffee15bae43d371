/// An inclusive range of routing slots (`userId % modulo`) without a unit: what a cut-over moves.
public struct SlotRange: Sendable, Hashable, Codable {
    public var from: Int
    public var to: Int

    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }

    public func contains(_ slot: Int) -> Bool { slot >= from && slot <= to }
}
