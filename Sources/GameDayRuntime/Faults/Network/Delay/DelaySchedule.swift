import Foundation
import GameDayCore

/// When each packet the delayer holds is released, or that it is lost: netem's arithmetic
/// (delay, uniform jitter around it, a loss percentage), in nanoseconds of the monotonic clock.
///
/// With `keepOrder` a packet is never released before one that arrived earlier, as a link
/// delays packets without reordering them: a packet whose jitter drew a shorter hold than its
/// predecessor's waits for it, so with jitter the holds lean towards the long side.
public struct DelaySchedule: Sendable, Hashable {
    public enum Admission: Sendable, Hashable {
        case drop
        case release(atNanoseconds: UInt64)
    }

    public let delay: Duration
    public let jitter: Duration
    /// Percent of packets lost, 0...100.
    public let lossPercent: Double
    public let keepOrder: Bool
    private var lastRelease: UInt64 = 0

    public init(delay: Duration, jitter: Duration = .zero, lossPercent: Double = 0, keepOrder: Bool = true) {
        self.delay = delay
        self.jitter = jitter
        self.lossPercent = lossPercent
        self.keepOrder = keepOrder
    }

    /// Decides the fate of a packet that arrived at `arrival`.
    public mutating func admit(
        arrivedAt arrival: UInt64, using random: inout some RandomNumberGenerator
    ) -> Admission {
        if lossPercent > 0, Double.random(in: 0..<100, using: &random) < lossPercent { return .drop }
        var hold = delay.wholeNanoseconds
        let spread = jitter.wholeNanoseconds
        if spread > 0 { hold += Int64.random(in: -spread...spread, using: &random) }
        var release = arrival &+ UInt64(max(0, hold))
        if keepOrder {
            release = max(release, lastRelease)
            lastRelease = release
        }
        return .release(atNanoseconds: release)
    }

    /// `delay 600ms ± 50ms, loss 1%`, for messages and plans.
    public var settings: String {
        var words: [String] = []
        if delay > .zero {
            words.append(
                "delay \(DurationText.format(delay))" + (jitter > .zero ? " ± \(DurationText.format(jitter))" : ""))
        }
        if lossPercent > 0 { words.append("loss \(String(format: "%g", lossPercent))%") }
        if !keepOrder { words.append("reordering allowed") }
        return words.joined(separator: ", ")
    }
}
