/// Work on many hosts or pods at once, at most `concurrency` at a time: a fault's lookup, apply and
/// revert on each place. Places do not wait for each other, so the whole takes as long as the
/// slowest (times the number of waves, when there are more places than `concurrency`). What the
/// outcomes add up to is `PartialInjection.settle`'s to say.
public enum FanOut {
    /// `body` for every item, at most `concurrency` at once; the results in the items' order.
    public static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], concurrency: Int, _ body: @escaping @Sendable (Item) async -> Result
    ) async -> [Result] {
        var results = [Result?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func startNext() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask { (index, await body(item)) }
            }
            for _ in 0..<min(max(1, concurrency), items.count) { startNext() }
            for await (index, result) in group {
                results[index] = result
                startNext()
            }
        }
        return results.map { $0! }
    }
}
