import Synchronization

/// Decides once per connection and toxic whether the toxic acts on that connection, with the
/// toxic's `toxicity` as the probability (Toxiproxy's per-link roll). Shared by both directions of
/// a connection and its monitor, so they agree.
final class ToxicDice: Sendable {
    /// Toxic id → the toxicity rolled against and the outcome; a changed toxicity rolls again.
    private let rolls = Mutex<[UInt64: (toxicity: Double, acts: Bool)]>([:])

    /// Whether `toxic` acts on this connection.
    func affects(_ toxic: Toxic) -> Bool {
        if toxic.toxicity >= 1 { return true }
        if toxic.toxicity <= 0 { return false }
        return rolls.withLock { rolls in
            if let rolled = rolls[toxic.id], rolled.toxicity == toxic.toxicity { return rolled.acts }
            let acts = Double.random(in: 0..<1) < toxic.toxicity
            rolls[toxic.id] = (toxic.toxicity, acts)
            return acts
        }
    }

    /// The toxics of `snapshot` on `stream` that act on this connection, in the order they were added.
    func toxics(_ snapshot: ToxicBoard.Snapshot?, on stream: ToxicStream) -> [Toxic] {
        (snapshot?.toxics ?? []).filter { $0.stream == stream && affects($0) }
    }
}
