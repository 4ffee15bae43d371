import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// A fault on many hosts or pods that hit some only: the ledger's entry keeps the revert of those,
/// on disk, so that the run, a watchdog and `recover` never try a host the fault never reached.
@Suite struct LedgerNarrowTests {
    @Test func aNarrowedEntryKeepsTheHitPlacesAndEverySharedStep() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let ledger = FileLedger(store: store, runId: "narrow", target: "lab", watchdog: nil)
        let hit = HostTarget(host: "10.0.0.1")
        let missed = HostTarget(host: "10.0.0.2")
        func on(_ host: HostTarget) -> RevertRecipe.Step {
            .onHost(
                RecipeHost(target: "/t.yaml", unit: "beijing", host: host),
                steps: [.command(argv: ["true"], okExitCodes: [])])
        }
        let shared = RevertRecipe.Step.command(argv: ["echo", "shared"], okExitCodes: [])
        let podHit = RevertRecipe.Step.at(place: "pod/web-1", steps: [shared])
        let podMissed = RevertRecipe.Step.at(place: "pod/web-2", steps: [shared])
        let recipe = RevertRecipe(executor: "ssh", steps: [on(hit), on(missed), podHit, podMissed, shared])
        let ticket = try await ledger.intend("product-down", unit: "beijing", recipe: recipe)

        await ledger.narrow(ticket, to: [hit.description, "pod/web-1"])

        #expect(try store.read(ticket.id).recipe.steps == [on(hit), podHit, shared])
        #expect(try store.read(ticket.id).recipe.executor == "ssh")
    }
}
