/// Why the delayer could not start or keep going.
public enum DelayerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Queue `number` could not be bound (taken by another program, no NFQUEUE in the kernel, not root).
    case cannotBind(UInt16, String)
    /// The delayer process did not say it was ready.
    case notReady(String)

    public var description: String {
        switch self {
        case .cannotBind(let number, let reason): "cannot bind NFQUEUE queue \(number): \(reason)"
        case .notReady(let reason): "the delayer did not start: \(reason)"
        }
    }
}
