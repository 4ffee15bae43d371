import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

@testable import GameDayLab

/// The order database on a real SQLite file, and the rules the order service and the control plane
/// apply to it; no lab processes.
@Suite("Order database")
final class OrderDatabaseTests {
    let directory: String

    init() throws {
        directory = try TestLab.makeTemporaryDirectory(prefix: "gameday-orders")
    }

    // Each test has an instance of its own: every test's directory goes, whether it used it or not.
    deinit { try? FileManager.default.removeItem(atPath: directory) }

    @Test func aWriteAndItsOutboxRowCommitTogetherAndReplicateOnceInOrder() throws {
        let beijing = try OrderDatabase.open(path: directory + "/beijing/orders.db")
        let hangzhou = try OrderDatabase.open(path: directory + "/hangzhou/orders.db")
        // A tag with quotes and a semicolon is a bound value, never SQL.
        let tag = #"it's "x"; DROP TABLE orders"#
        var placed: [OrderRecord] = []
        for seq in 1...3 {
            placed.append(
                try beijing.place(user: 6000, draft: OrderDraft(seq: seq, tag: tag), origin: "beijing", at: 1))
        }
        #expect(placed.map(\.id) == ["beijing-1", "beijing-2", "beijing-3"])
        #expect(try beijing.committed() == 3)
        #expect(try beijing.orders(user: 6000, tag: tag).map(\.seq) == [1, 2, 3])
        #expect(try beijing.orders(user: 6000, tag: "other").isEmpty)

        let outbox = try beijing.outbox(origin: "beijing", after: 0)
        #expect(outbox == placed)
        #expect(try beijing.outbox(origin: "beijing", after: 0, committedBefore: 0.5).isEmpty, "younger than the lag")

        // A gap stops the batch; a re-send is skipped; the applied position never skips a row.
        #expect(try hangzhou.apply([outbox[0], outbox[2]], origin: "beijing") == 1)
        #expect(try hangzhou.apply(outbox, origin: "beijing") == 3)
        #expect(try hangzhou.apply(outbox, origin: "beijing") == 3)
        #expect(try hangzhou.orders(user: 6000, tag: nil).map(\.id) == ["beijing-1", "beijing-2", "beijing-3"])
        #expect(try hangzhou.appliedPositions() == ["beijing": 3])

        let journal = try beijing.connection.query("PRAGMA journal_mode").first?.first?.string
        #expect(journal == "wal")
    }

    @Test func theDestinationPullsWhatItLacksFromTheSourceFile() async throws {
        do {
            let beijing = try OrderDatabase.open(path: directory + "/beijing/orders.db")
            for seq in 1...5 {
                _ = try beijing.place(user: 6000, draft: OrderDraft(seq: seq), origin: "beijing", at: 1)
            }
        }
        let hangzhou = try OrderStore(
            unit: "hangzhou", path: directory + "/hangzhou/orders.db", replicationLag: .seconds(1))
        let pulled = try await hangzhou.pull(origin: "beijing", databasePath: directory + "/beijing/orders.db")
        #expect(pulled.committed == 5 && pulled.applied == 5)
        #expect(try await hangzhou.orders(user: 6000, tag: nil).count == 5)
        let none = try await hangzhou.pull(origin: "beijing", databasePath: directory + "/nowhere/orders.db")
        #expect(none.committed == 0, "a unit without a database has committed nothing")
    }

    @Test func aWriteBlockCoversItsUsersAndTheirSlots() {
        let block = WriteBlock(cutover: "c-1", users: ["6000"], ranges: [SlotRange(from: 7000, to: 7999)])
        #expect(block.covers(user: 6000, rule: .storefront))
        #expect(block.covers(user: 17_500, rule: .storefront), "slot 7500")
        #expect(!block.covers(user: 6001, rule: .storefront))
    }

    @Test func aCutbackWaitsForEachUnitItMovesAwayFrom() async {
        let state = ControlPlaneState(baseline: .storefront)
        let move = CutoverRequest(from: "beijing", to: "hangzhou", users: ["6000"], ranges: nil)
        let cutover = await state.accept(move, at: LabTimestamp.now())
        #expect(await state.syncPairs(for: cutover.id) == [SyncPair(from: "beijing", to: "hangzhou")])
        _ = await state.publishRule(for: cutover.id)

        let back = await state.accept(nil, at: LabTimestamp.now())
        await state.block(back.id)
        #expect(await state.syncPairs(for: back.id) == [SyncPair(from: "hangzhou", to: "beijing")])
        let before = await state.snapshot.version
        await state.unblock(back.id)
        #expect(await state.snapshot.version > before, "lifting a block is a change the order services must get")
    }
}
