import Foundation
import GameDayCore

/// Runs one command plan on many hosts at once, at most `concurrency` at a time.
///
/// Each host runs the plan's steps in order and stops at the first that fails (ssh's error, a
/// timeout, or a non-zero exit). Hosts do not wait for each other, so the whole takes as long as
/// the slowest host (times the number of waves, when there are more hosts than `concurrency`).
public struct FanOut: Sendable {
    /// Hosts in flight at once, at least 1.
    public var concurrency: Int
    /// The limit for each step on each host.
    public var timeout: Duration
    /// How many trailing lines of output each host result keeps.
    public var tailLines: Int

    public init(concurrency: Int = 16, timeout: Duration = .seconds(30), tailLines: Int = 5) {
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        self.tailLines = tailLines
    }

    /// Runs `plan` on every host; never throws: each host's failure is in its result.
    public func run(_ plan: [[String]], on hosts: [any CommandExecutor]) async -> FanOutResult {
        FanOutResult(hosts: await Self.map(hosts, concurrency: concurrency) { host in await self.run(plan, on: host) })
    }

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

    /// Runs `plan` on one host.
    func run(_ plan: [[String]], on host: any CommandExecutor) async -> HostResult {
        let started = Date()
        var last: CommandOutput?
        var failure: String?
        for step in plan {
            do {
                let output = try await host.run(step, timeout: timeout)
                last = output
                if output.timedOut {
                    failure = "\(Self.text(step)) timed out after \(DurationText.format(timeout))"
                } else if output.exitCode != 0 {
                    failure = "\(Self.text(step)) failed (exit \(output.exitCode)): \(output.lastLine)"
                }
            } catch {
                last = nil
                failure = error.message
            }
            if failure != nil { break }
        }
        return HostResult(
            host: host.name, started: started, ended: Date(),
            exitCode: last.flatMap { $0.timedOut ? nil : $0.exitCode },
            stdoutTail: Self.tail(last?.stdout ?? "", lines: tailLines),
            stderrTail: Self.tail(last?.stderr ?? "", lines: tailLines), error: failure)
    }

    static func text(_ argv: [String]) -> String { argv.joined(separator: " ") }

    /// The last `lines` lines of `text`, without a trailing newline.
    static func tail(_ text: String, lines: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).reversed().drop { $0.isEmpty }.prefix(lines)
            .reversed().joined(separator: "\n")
    }
}
