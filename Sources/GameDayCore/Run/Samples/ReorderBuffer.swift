/// Puts one user's samples back in the order they were sent: answers arrive in any order, and a
/// sample is given out only once every sample sent before it has been.
struct ReorderBuffer {
    /// Samples that may wait for an earlier one before the buffer stops waiting for it: an engine
    /// that lost a probe must not make the store wait for ever.
    static let limit = 4_096

    /// The sequence number of the next sample in order.
    private(set) var next = 0
    private var waiting: [Int: ProbeSample] = [:]

    /// Takes the sample numbered `sequence` and returns the next sample in order, if it is there now
    /// (`sample` itself, most of the time); `take()` gives the ones after it. A sample behind those
    /// already given out is dropped.
    mutating func put(_ sample: ProbeSample, sequence: Int) -> ProbeSample? {
        // In order, as most are: given out at once, never stored.
        if sequence == next {
            next += 1
            return sample
        }
        if sequence > next {
            waiting[sequence] = sample
            if waiting.count > Self.limit, let first = waiting.keys.min() { next = first }
        }
        return take()
    }

    /// The next sample in order, if it has arrived.
    mutating func take() -> ProbeSample? {
        guard let sample = waiting.removeValue(forKey: next) else { return nil }
        next += 1
        return sample
    }
}
