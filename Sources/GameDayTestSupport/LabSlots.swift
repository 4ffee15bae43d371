import Foundation

/// How many labs the test process runs at once.
///
/// Every lab test measures time: probes at 100 ms, dependency timeouts of 500 ms, cut-overs with
/// a switch delay. On a two-core machine, five labs (sixty processes) started side by side by the
/// parallel test runner starve each other, and a drill then reports what the machine did, not what
/// the lab did: a bystander's request to its own product service timing out, a write block missed
/// between two polls. So labs take a slot; the other tests still run in parallel.
///
/// The width is `GAMEDAY_TEST_LAB_SLOTS` (default 2).
public actor LabSlots {
    public static let shared = LabSlots(
        width: ProcessInfo.processInfo.environment["GAMEDAY_TEST_LAB_SLOTS"].flatMap(Int.init).map { max(1, $0) } ?? 2)

    /// SSH fleets (an sshd per host, a namespace per unit): one at a time, besides the labs.
    public static let fleets = LabSlots(width: 1)

    public let width: Int
    private var busy = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(width: Int) { self.width = width }

    /// Runs `body` once a slot is free, and frees it after, whether `body` returns or throws.
    public nonisolated func with<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if busy < width {
            busy += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy -= 1
        } else {
            // The slot passes straight to the next waiter.
            waiting.removeFirst().resume()
        }
    }
}
