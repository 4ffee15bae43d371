import Foundation
import GameDayCore
import Synchronization
import Testing

@testable import GameDayRuntime

/// The fan-out of a fault's work over many places: every place done, in the places' order, never
/// more at once than the limit.
@Suite struct FanOutTests {
    /// Counts bodies in flight and remembers the most at once.
    final class InFlight: Sendable {
        private let state = Mutex((now: 0, most: 0))
        func enter() {
            state.withLock {
                $0.now += 1; $0.most = max($0.most, $0.now)
            }
        }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
    }

    @Test func everyResultComesBackInTheItemsOrder() async {
        let results = await FanOut.map(Array(0..<20), concurrency: 4) { item in
            try? await Task.sleep(for: .milliseconds(Int64(20 - item)))
            return "h\(item)"
        }
        #expect(results == (0..<20).map { "h\($0)" })
        #expect(await FanOut.map([Int](), concurrency: 4) { $0 }.isEmpty)
    }

    @Test(arguments: [1, 3, 8])
    func neverRunsMoreThanTheLimitAtOnce(limit: Int) async {
        let gauge = InFlight()
        let ran = Mutex(0)
        _ = await FanOut.map(Array(0..<12), concurrency: limit) { _ in
            gauge.enter()
            defer { gauge.leave() }
            try? await Task.sleep(for: .milliseconds(2))
            ran.withLock { $0 += 1 }
        }
        #expect(gauge.most <= limit)
        #expect(ran.withLock { $0 } == 12)
    }
}
