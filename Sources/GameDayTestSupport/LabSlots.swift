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
    private var waiting: [(slots: Int, continuation: CheckedContinuation<Void, Never>)] = []

    public init(width: Int) { self.width = width }

    /// Runs `body` once `slots` slots are free (at most the width: a heavy lab, e.g. three units
    /// with a drill probing many users, takes them all so no other lab competes for the CPU), and
    /// frees them after, whether `body` returns or throws.
    public nonisolated func with<T>(slots: Int = 1, _ body: () async throws -> T) async throws -> T {
        let taken = await acquire(slots)
        do {
            let value = try await body()
            await release(taken)
            return value
        } catch {
            await release(taken)
            throw error
        }
    }

    private func acquire(_ wanted: Int) async -> Int {
        let slots = min(max(1, wanted), width)
        if waiting.isEmpty, busy + slots <= width {
            busy += slots
            return slots
        }
        // First come, first served: a wide request is not overtaken by narrow ones behind it.
        await withCheckedContinuation { waiting.append((slots, $0)) }
        return slots
    }

    private func release(_ slots: Int) {
        busy -= slots
        while let next = waiting.first, busy + next.slots <= width {
            waiting.removeFirst()
            busy += next.slots
            next.continuation.resume()
        }
    }
}
