/// A sustained-success window: N consecutive successes, or k of the last n.
public enum SuccessWindow: Sendable, Hashable, CustomStringConvertible {
    /// `window: { consecutive: 5 }`
    case consecutive(Int)
    /// `window: { k: 8, n: 10 }`
    case kOfN(k: Int, n: Int)

    public var description: String {
        switch self {
        case .consecutive(let n): "\(n) consecutive successes"
        case .kOfN(let k, let n): "\(k) of \(n) successes"
        }
    }
}
